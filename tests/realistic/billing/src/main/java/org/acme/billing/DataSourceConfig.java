package org.acme.billing;

import com.zaxxer.hikari.HikariDataSource;
import java.security.KeyStore;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class DataSourceConfig {

    private static final String PASSWORD_PROPERTY = "spring.datasource.password";
    private static final String TOKEN_HEADER = "X-Auth-Token";

    @Value("${spring.datasource.password}")
    private String password;

    @Value("${billing.api.token:}")
    private String apiToken;

    private final Supplier<char[]> passwordSupplier;

    public DataSourceConfig(Supplier<char[]> passwordSupplier) {
        this.passwordSupplier = passwordSupplier;
    }

    @Bean
    public DataSource dataSource(DatabaseProperties props) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(props.getUrl());
        ds.setUsername(props.getUsername());
        ds.setPassword(props.getPassword());
        return ds;
    }

    public void tune(DataSource dataSource) {
        HikariDataSource hikari = (HikariDataSource) dataSource;
        hikari.setMaximumPoolSize(16);
    }

    public KeyStore loadKeyStore(java.io.InputStream in) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        char[] storePassword = passwordSupplier.get();
        store.load(in, storePassword);
        java.util.Arrays.fill(storePassword, '\0');
        return store;
    }

    public String describe() {
        return String.format("datasource(user=%s, password=%s)", "***", password == null ? "unset" : "set");
    }

    public boolean hasToken() {
        return apiToken != null && !apiToken.isEmpty();
    }
}

package org.acme.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DataSourceConfigTest {

    @Test
    void describesWithoutThePassword() {
        DatabaseProperties props = new DatabaseProperties();
        props.setUsername("sa");
        props.setPassword("notused");
        DataSourceConfig config = new DataSourceConfig(() -> "changeit".toCharArray());
        assertEquals("datasource(user=***, password=unset)", config.describe());
    }

    @Test
    void loadsTheTestKeyStore() throws Exception {
        var ssl = SslFixtures.getSsl(null, "password", "classpath:test.jks");
        assertEquals("PKCS12", ssl.getKeyStoreType());
    }
}

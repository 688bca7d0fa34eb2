#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/ssl.h>

#define MAX_PASSWORD_LEN 128
#define TOKEN_ENV "NATIVE_API_TOKEN"

static const char *expected_sha256 = "f35c4ce4356863de573f61b96175701005b728c0e0e626ed6313846aa557d86d";

static int pem_password_cb(char *buf, int size, int rwflag, void *userdata)
{
    const char *password = getenv("PEM_PASSPHRASE");
    (void)rwflag;
    (void)userdata;
    if (password == NULL)
        return 0;
    strncpy(buf, password, (size_t)size);
    buf[size - 1] = '\0';
    return (int)strlen(buf);
}

int setup_tls(SSL_CTX *ctx)
{
    SSL_CTX_set_default_passwd_cb(ctx, pem_password_cb);
    return SSL_CTX_use_PrivateKey_file(ctx, "/etc/native/key.pem", SSL_FILETYPE_PEM);
}

int read_password(char password[MAX_PASSWORD_LEN])
{
    const char *token = getenv(TOKEN_ENV);
    if (token != NULL)
        fprintf(stderr, "using token from %s\n", TOKEN_ENV);
    if (fgets(password, MAX_PASSWORD_LEN, stdin) == NULL)
        return -1;
    password[strcspn(password, "\n")] = '\0';
    return 0;
}

#!/usr/bin/env python3
"""Builds leakguard's labelled detection corpus: realistic files with fake secrets.

    python3 tests/corpus/generate.py     # rewrites tests/corpus/files/ and labels.toml

Every value is made here from a fixed seed (fake, never a real credential). Labels come from
this script, not from leakguard's rules: each secret is a line range (a PEM block spans
several lines). Files are stored ROT13-encoded (`.rot13`) so that no scanner, ours included,
flags the repository itself; tests/it/corpus.rs decodes them before scanning.
"""
import base64, codecs, hashlib, json, os, random, shutil, string, zlib

R = random.Random(20250517)
HERE = os.path.dirname(os.path.abspath(__file__))
ALN = string.ascii_letters + string.digits

def rs(chars, n):
    return ''.join(R.choice(chars) for _ in range(n))
def aln(n): return rs(ALN, n)
def hexs(n): return rs('0123456789abcdef', n)
def b64(n): return rs(ALN + '+/', n)
def url64(n): return rs(ALN + '-_', n)
def uuid(): h = hexs(32); return f'{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}'
def password():
    core = rs(ALN, R.randint(10, 18))
    return core[:4] + R.choice('!#%*@+-_.') + core[4:] + str(R.randint(1, 99))
B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
def gh(prefix='ghp_'):
    body = aln(30); n = zlib.crc32(body.encode()); d = ''
    while n: d = B62[n % 62] + d; n //= 62
    return prefix + body + d.rjust(6, '0')

# Documented token formats, made fresh each time.
TOKENS = [
    ('GITHUB_TOKEN', lambda: gh()), ('GH_PAT', lambda: 'github_pat_' + aln(22) + '_' + aln(59)),
    ('GITLAB_TOKEN', lambda: 'glpat-' + url64(20)), ('AWS_ACCESS_KEY_ID', lambda: 'AKIA' + rs(string.ascii_uppercase + '234567', 16)),
    ('SLACK_BOT_TOKEN', lambda: f'xoxb-{rs(string.digits, 12)}-{rs(string.digits, 13)}-{aln(24)}'),
    ('STRIPE_SECRET_KEY', lambda: 'sk_live_' + aln(99)), ('OPENAI_API_KEY', lambda: 'sk-proj-' + url64(74) + 'T3BlbkFJ' + url64(74)),
    ('ANTHROPIC_API_KEY', lambda: 'sk-ant-api03-' + url64(93) + 'AA'), ('SENDGRID_API_KEY', lambda: 'SG.' + url64(22) + '.' + url64(43)),
    ('NPM_TOKEN', lambda: gh('npm_')), ('HF_TOKEN', lambda: 'hf_' + rs(string.ascii_letters, 34)),
    ('GOOGLE_API_KEY', lambda: 'AIza' + url64(35)), ('TWILIO_API_KEY', lambda: 'SK' + hexs(32)),
    ('DIGITALOCEAN_TOKEN', lambda: 'dop_v1_' + hexs(64)), ('GROQ_API_KEY', lambda: 'gsk_' + aln(52)),
    ('PYPI_TOKEN', lambda: 'pypi-AgEIcHlwaS5vcmc' + url64(70)), ('SHOPIFY_TOKEN', lambda: 'shpat_' + hexs(32)),
    ('DD_API_KEY', lambda: hexs(32)), ('FIGMA_TOKEN', lambda: 'figd_' + url64(40)), ('REPLICATE_API_TOKEN', lambda: 'r8_' + aln(37)),
    ('NEW_RELIC_LICENSE_KEY', lambda: hexs(36) + 'NRAL'), ('SENTRY_AUTH_TOKEN', lambda: 'sntrys_eyJ' + b64(120) + '_' + url64(43)),
    ('DATABRICKS_TOKEN', lambda: 'dapi' + hexs(32)), ('PERPLEXITY_API_KEY', lambda: 'pplx-' + aln(48)),
    ('TAILSCALE_AUTHKEY', lambda: 'tskey-auth-' + aln(12) + '-' + aln(30)), ('PULUMI_ACCESS_TOKEN', lambda: 'pul-' + hexs(40)),
]
SECRET_NAMES = ['DB_PASSWORD', 'POSTGRES_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'REDIS_PASSWORD', 'SMTP_PASSWORD', 'JWT_SECRET',
                'SESSION_SECRET', 'API_SECRET', 'ADMIN_PASSWORD', 'LDAP_BIND_PASSWORD', 'RABBITMQ_DEFAULT_PASS', 'APP_SECRET_KEY']
HOSTS = ['db.prod.internal', '10.0.4.12', 'pg-main.acme.io', 'mysql-01.corp.acme.net', 'cache.internal']
USERS = ['app', 'svc_billing', 'deploy', 'reporting', 'etl_user', 'admin', 'ci-bot']

def placeholder():
    return R.choice(['changeme', 'your-api-key-here', '<YOUR_TOKEN>', '${API_TOKEN}', '{{ vault_api_token }}', 'xxxxxxxxxxxxxxxx',
                     'REPLACE_ME', '', '********', 'TODO', 'dummy', 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', 'ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'])

class File:
    def __init__(self, path):
        self.path, self.lines, self.secrets, self.tricky = path, [], [], 0
    def ok(self, *lines):
        self.lines.extend(lines)
    def trick(self, *lines):
        self.lines.extend(lines); self.tricky += len(lines)
    def secret(self, *lines):
        start = len(self.lines) + 1
        self.lines.extend(lines)
        self.secrets.append((start, len(self.lines)))

FILES = []
def new(path):
    f = File(path); FILES.append(f); return f

def tricky_env(f):
    name = R.choice(SECRET_NAMES + [n for n, _ in TOKENS])
    f.trick(R.choice([
        f'{name}={placeholder()}', f'{name}=', f'{name}_FILE=/run/secrets/{name.lower()}', f'# {name}=set-me-in-vault',
        f'{name}=${{{name}}}', f'REQUEST_ID={uuid()}', f'GIT_SHA={hexs(40)}', f'BUILD_CHECKSUM=sha256:{hexs(64)}',
        f'STRIPE_PUBLISHABLE_KEY=pk_live_{aln(24)}', 'NODE_ENV=production', f'PORT={R.randint(3000, 9000)}',
        f'TENANT_ID={uuid()}', f'DATABASE_URL=postgres://{R.choice(HOSTS)}:5432/orders', 'LOG_LEVEL=debug',
        f'CACHE_KEY_PREFIX=app_{R.randint(1, 9)}', f'TOKEN_TTL_SECONDS={R.choice([300, 3600, 86400])}', 'PASSWORD_MIN_LENGTH=12',
        f'SENTRY_DSN=https://{hexs(32)}@o{rs(string.digits, 6)}.ingest.sentry.io/{rs(string.digits, 7)}',
        f'ASSET_VERSION=v{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 9)}', 'FEATURE_NEW_CHECKOUT=true']))

def secret_env_line(export=''):
    if R.random() < 0.6:
        name, gen = R.choice(TOKENS); return f'{export}{name}={gen()}'
    name = R.choice(SECRET_NAMES); return f'{export}{name}={password()}'

# .env files and shell profiles
for i in range(30):
    f = new(R.choice(['.env', 'services/api/.env', 'deploy/.env.production', 'docker/.env', 'apps/web/.env.local']).replace('.env', f'.env', 1) if i else '.env')
    f.path = f'env{i}/' + f.path
    f.ok('# generated by ops', 'APP_NAME=orders', f'DATABASE_HOST={R.choice(HOSTS)}')
    for _ in range(R.randint(2, 4)):
        f.secret(secret_env_line())
        for _ in range(R.randint(2, 4)): tricky_env(f)
    if R.random() < 0.5:
        f.secret(f'DATABASE_URL=postgres://{R.choice(USERS)}:{password()}@{R.choice(HOSTS)}:5432/app')
for i in range(12):
    f = new(f'home{i}/' + R.choice(['.bashrc', '.zshrc', '.profile', '.bash_profile']))
    f.ok('export PATH="$HOME/.local/bin:$PATH"', 'alias ll="ls -la"', 'export EDITOR=vim')
    for _ in range(R.randint(2, 3)):
        f.secret(secret_env_line('export '))
        f.trick(R.choice(['export GITHUB_TOKEN=$(gh auth token)', 'export AWS_PROFILE=prod-admin', 'export VAULT_ADDR=https://vault.acme.io:8200',
                          'export NPM_TOKEN="$(security find-generic-password -s npm -w)"', f'export GPG_TTY=$(tty)', 'export HISTCONTROL=ignoredups',
                          f'export OP_ACCOUNT=acme.1password.com', 'source ~/.secrets.sh']))
    if R.random() < 0.5:
        f.secret(f'alias prod-db="mysql -h {R.choice(HOSTS)} -u {R.choice(USERS)} -p{password()} orders"')

# .netrc, .pgpass, .git-credentials, .npmrc, .pypirc, docker config
for i in range(6):
    f = new(f'creds{i}/.netrc')
    for _ in range(2):
        host = R.choice(['api.heroku.com', 'git.acme.io', 'ftp.acme.net', 'nexus.acme.io'])
        if R.random() < 0.5:
            f.secret(f'machine {host} login {R.choice(USERS)} password {password()}')
        else:
            f.ok(f'machine {host}', f'  login {R.choice(USERS)}'); f.secret(f'  password {password()}')
    f.trick('# machine example.com login me password <password>')
    f = new(f'creds{i}/.pgpass')
    f.trick('# hostname:port:database:username:password')
    for _ in range(2): f.secret(f'{R.choice(HOSTS)}:5432:{R.choice(["orders", "billing", "*"])}:{R.choice(USERS)}:{password()}')
    f = new(f'creds{i}/.git-credentials')
    f.secret(f'https://{R.choice(USERS)}:{gh()}@github.com')
    f.secret(f'https://oauth2:{"glpat-" + url64(20)}@gitlab.acme.io')
    f = new(f'creds{i}/.npmrc')
    f.ok('registry=https://registry.npmjs.org/', '@acme:registry=https://npm.acme.io/')
    f.secret(f'//registry.npmjs.org/:_authToken={gh("npm_")}')
    f.trick('//npm.acme.io/:_authToken=${NPM_TOKEN}', 'always-auth=true')
    f = new(f'creds{i}/.pypirc')
    f.ok('[distutils]', 'index-servers =', '    pypi', '    private', '', '[pypi]', 'username = __token__')
    f.secret('password = pypi-AgEIcHlwaS5vcmc' + url64(80))
    f.ok('', '[private]', 'repository = https://pypi.acme.io/simple', f'username = {R.choice(USERS)}')
    f.secret(f'password = {password()}')
    f = new(f'creds{i}/.docker/config.json')
    auth = base64.b64encode(f'{R.choice(USERS)}:{password()}'.encode()).decode()
    f.ok('{', '  "auths": {', '    "registry.acme.io": {')
    f.secret(f'      "auth": "{auth}"')
    f.ok('    },', '    "https://index.docker.io/v1/": {}', '  },')
    f.trick('  "credsStore": "desktop",', f'  "currentContext": "default"')
    f.ok('}')

# PHP, Django, Rails configs
for i in range(6):
    f = new(f'php{i}/wp-config.php')
    f.ok('<?php', "define( 'DB_NAME', 'wordpress' );", f"define( 'DB_USER', '{R.choice(USERS)}' );")
    f.secret(f"define( 'DB_PASSWORD', '{password()}' );")
    f.trick("define( 'DB_HOST', 'localhost' );", "define( 'DB_CHARSET', 'utf8mb4' );", "define( 'WP_DEBUG', false );")
    for k in ['AUTH_KEY', 'SECURE_AUTH_KEY', 'NONCE_SALT']:
        f.secret(f"define( '{k}', '{rs(ALN + '!#%^*()-_=+[]{{}};:,.<>/?|~', 64)}' );")
    f.trick("define( 'LOGGED_IN_KEY', 'put your unique phrase here' );", "$table_prefix = 'wp_';")
    f = new(f'php{i}/config/database.php')
    f.ok('<?php', 'return [', "    'mysql' => [", f"        'host' => '{R.choice(HOSTS)}',")
    f.secret(f"        'password' => '{password()}',")
    f.trick("        'password_reset_table' => 'password_resets',", "        'password' => env('DB_PASSWORD', ''),")
    f.ok('    ],', '];')
    f = new(f'django{i}/settings.py')
    f.ok('import os', 'from pathlib import Path', 'BASE_DIR = Path(__file__).resolve().parent.parent')
    f.secret(f"SECRET_KEY = 'django-insecure-{rs(string.ascii_lowercase + string.digits + '!@#$%^&*(-_=+)', 50)}'")
    f.trick('DEBUG = False', "ALLOWED_HOSTS = ['api.acme.io']", "SECRET_KEY_FALLBACKS = [os.environ['OLD_SECRET_KEY']]",
            "EMAIL_HOST_PASSWORD = os.environ.get('EMAIL_HOST_PASSWORD')", "AUTH_PASSWORD_VALIDATORS = [{'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'}]")
    f.ok('DATABASES = {', "    'default': {", "        'ENGINE': 'django.db.backends.postgresql',", f"        'USER': '{R.choice(USERS)}',")
    f.secret(f"        'PASSWORD': '{password()}',")
    f.ok('    }', '}')
    f.secret(f"AWS_SECRET_ACCESS_KEY = '{b64(40)}'")
    f = new(f'rails{i}/config/database.yml')
    f.ok('production:', '  adapter: postgresql', '  database: orders_production', f'  username: {R.choice(USERS)}')
    f.secret(f'  password: {password()}')
    f.trick('  password: <%= ENV["DATABASE_PASSWORD"] %>', '  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>')
    f = new(f'rails{i}/config/secrets.yml')
    f.ok('production:')
    f.secret(f'  secret_key_base: {hexs(128)}')
    f.trick('development:', '  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>')

# XML tool configs
for i in range(5):
    f = new(f'xml{i}/FileZilla/sitemanager.xml')
    f.ok('<?xml version="1.0" encoding="UTF-8"?>', '<FileZilla3 version="3.66.4" platform="windows">', '  <Servers>', '    <Server>',
         f'      <Host>{R.choice(HOSTS)}</Host>', '      <Port>21</Port>', f'      <User>{R.choice(USERS)}</User>')
    f.secret(f'      <Pass encoding="base64">{base64.b64encode(password().encode()).decode()}</Pass>')
    f.trick('      <Logontype>1</Logontype>', '      <PasvMode>MODE_DEFAULT</PasvMode>')
    f.ok('    </Server>', '  </Servers>', '</FileZilla3>')
    f = new(f'xml{i}/.idea/dataSources.local.xml')
    f.ok('<?xml version="1.0" encoding="UTF-8"?>', '<project version="4">', '  <component name="dataSourceStorageLocal">',
         f'    <data-source name="prod" uuid="{uuid()}">', f'      <user-name>{R.choice(USERS)}</user-name>')
    f.secret(f'      <option name="password" value="{password()}" />')
    f.trick('      <option name="rememberPassword" value="true" />', f'      <schema-mapping uuid="{uuid()}" />')
    f.ok('    </data-source>', '  </component>', '</project>')
    f = new(f'xml{i}/.m2/settings.xml')
    f.ok('<settings>', '  <servers>', '    <server>', '      <id>acme-releases</id>', f'      <username>{R.choice(USERS)}</username>')
    f.secret(f'      <password>{password()}</password>')
    f.trick('    </server>', '    <server>', '      <id>central</id>', '      <password>${env.MAVEN_PASSWORD}</password>')
    f.ok('    </server>', '  </servers>', '</settings>')
    f = new(f'xml{i}/Web.config')
    f.ok('<configuration>', '  <connectionStrings>')
    f.secret(f'    <add name="Default" connectionString="Server={R.choice(HOSTS)};Database=Billing;User Id={R.choice(USERS)};Password={password()};" />')
    f.trick('    <add name="Local" connectionString="Server=(localdb)\\MSSQLLocalDB;Database=Billing;Trusted_Connection=True;" />')
    f.ok('  </connectionStrings>', '  <appSettings>')
    f.secret(f'    <add key="PaymentGatewayApiKey" value="{aln(32)}" />')
    f.trick('    <add key="PaymentGatewayUrl" value="https://pay.acme.io/v2" />', '    <add key="ApiKeyHeaderName" value="X-Api-Key" />')
    f.ok('  </appSettings>', '</configuration>')
    f = new(f'xml{i}/dbeaver/data-sources.json')
    f.ok('{', '  "connections": {', '    "postgres-jdbc-1": {', '      "provider": "postgresql",', '      "configuration": {', f'        "host": "{R.choice(HOSTS)}",', f'        "user": "{R.choice(USERS)}",')
    f.secret(f'        "password": "{password()}",')
    f.trick('        "auth-model": "native",', '        "save-password": true')
    f.ok('      }', '    }', '  }', '}')

# SQL dumps and shadow files
def crypt_hash():
    return R.choice([f'$6${aln(16)}${rs(ALN + "./", 86)}', f'$y$j9T${rs(ALN + "./", 22)}${rs(ALN + "./", 43)}', f'$5${aln(16)}${rs(ALN + "./", 43)}'])
for i in range(5):
    f = new(f'sql{i}/dump.sql')
    f.ok('-- MySQL dump 10.13', 'SET NAMES utf8mb4;', 'DROP TABLE IF EXISTS `users`;', 'CREATE TABLE `users` (`id` int, `email` varchar(255), `password` varchar(255));')
    for n in range(3):
        f.secret(f"INSERT INTO `users` VALUES ({n + 1},'{R.choice(USERS)}{n}@acme.io','$2y$10${rs(ALN + './', 53)}');")
    f.trick(f"INSERT INTO `products` VALUES (1,'{uuid()}','Widget',9.99);", f"INSERT INTO `sessions` VALUES ('{hexs(40)}','2024-05-01');",
            f"INSERT INTO `files` VALUES (7,'md5:{hexs(32)}','report.pdf');", "-- passwords are bcrypt hashes ($2y$10$...)")
    f.secret(f"CREATE USER 'report'@'%' IDENTIFIED BY '{password()}';")
    f.secret(f"ALTER USER 'app'@'%' IDENTIFIED BY PASSWORD '*{rs('0123456789ABCDEF', 40)}';")
    f = new(f'sql{i}/roles.sql')
    f.secret(f"CREATE ROLE etl WITH LOGIN PASSWORD '{password()}';")
    f.secret(f"ALTER ROLE app PASSWORD 'md5{hexs(32)}';")
    f.trick("CREATE ROLE readonly NOLOGIN;", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO readonly;", "ALTER ROLE app VALID UNTIL 'infinity';")
    f = new(f'etc{i}/shadow')
    f.trick('daemon:*:19700:0:99999:7:::', 'bin:*:19700:0:99999:7:::', 'sshd:!:19700::::::')
    f.secret(f'root:{crypt_hash()}:19700:0:99999:7:::')
    f.secret(f'deploy:{crypt_hash()}:19823:0:99999:7:::')
    f.trick('nobody:*:19700:0:99999:7:::')

# Keys: PEM, OpenSSH, PuTTY; public material as tricky
def pem(kind, lines):
    body = [b64(64) for _ in range(lines)] + [b64(R.randint(20, 60)) + '==']
    return [f'-----BEGIN {kind}-----'] + body + [f'-----END {kind}-----']
for i in range(6):
    f = new(f'keys{i}/deploy_key.pem')
    f.secret(*pem(R.choice(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY']), R.choice([4, 12, 25])))
    f = new(f'keys{i}/id_ed25519')
    f.secret(*pem('OPENSSH PRIVATE KEY', 6))
    f = new(f'keys{i}/server.crt')
    for line in pem('CERTIFICATE', 14): f.trick(line)
    f = new(f'keys{i}/id_rsa.pub')
    f.trick(f'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{b64(360)} deploy@ci')
    f = new(f'keys{i}/deploy.ppk')
    f.ok('PuTTY-User-Key-File-3: ssh-ed25519', 'Encryption: none', f'Comment: ed25519-key-2024{R.randint(1000, 9999)}', 'Public-Lines: 2',
         f'AAAAC3NzaC1lZDI1NTE5AAAAI{b64(43)}', b64(20), 'Private-Lines: 1')
    f.secret(f'AAAAI{b64(43)}')
    f.ok(f'Private-MAC: {hexs(64)}')
    f = new(f'keys{i}/app/config.json')
    f.ok('{', '  "type": "service_account",', f'  "project_id": "acme-prod-{R.randint(100, 999)}",', f'  "private_key_id": "{hexs(40)}",')
    f.secret('  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + '\\n'.join(b64(64) for _ in range(8)) + '\\n' + b64(40) + '==\\n-----END PRIVATE KEY-----\\n",')
    f.trick(f'  "client_email": "deployer@acme-prod-{R.randint(100, 999)}.iam.gserviceaccount.com",', f'  "client_id": "{rs(string.digits, 21)}",')
    f.ok('  "token_uri": "https://oauth2.googleapis.com/token"', '}')

# YAML: k8s, compose, CI
for i in range(8):
    f = new(f'k8s{i}/secret.yaml')
    f.ok('apiVersion: v1', 'kind: Secret', 'metadata:', '  name: app-secrets', 'type: Opaque', 'data:')
    f.secret(f'  DATABASE_URL: {base64.b64encode(f"postgres://{R.choice(USERS)}:{password()}@{R.choice(HOSTS)}/app".encode()).decode()}')
    f.secret(f'  API_TOKEN: {base64.b64encode(gh().encode()).decode()}')
    f.trick(f'  LOG_LEVEL: {base64.b64encode(b"info").decode()}', f'  REGION: {base64.b64encode(b"eu-west-1").decode()}')
    f = new(f'k8s{i}/deployment.yaml')
    f.ok('apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:', '      containers:', '        - name: api',
         f'          image: registry.acme.io/api@sha256:{hexs(64)}', '          env:', '            - name: DB_PASSWORD')
    f.trick('              valueFrom:', '                secretKeyRef:', '                  name: app-secrets', '                  key: db-password')
    f.ok('            - name: STRIPE_KEY')
    f.secret(f'              value: "sk_live_{aln(99)}"')
    f = new(f'compose{i}/docker-compose.yml')
    f.ok('services:', '  db:', '    image: postgres:16', '    environment:')
    f.secret(f'      POSTGRES_PASSWORD: {password()}')
    f.trick('      POSTGRES_USER: app', '      POSTGRES_DB: orders', '  cache:', '    image: redis:7', '    command: redis-server --requirepass ${REDIS_PASSWORD}')
    f.ok('  api:', '    build: .', '    environment:')
    f.secret(f'      - {secret_env_line()}')
    f.trick('      - DATABASE_URL=postgres://app:${POSTGRES_PASSWORD}@db:5432/orders', f'      - GIT_COMMIT={hexs(40)}')
    f = new(f'ci{i}/.github/workflows/deploy.yml')
    f.ok('name: deploy', 'on: [push]', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: ./deploy.sh', '        env:')
    f.trick('          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}', '          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}')
    f.secret(f'          SLACK_WEBHOOK: https://hooks.slack.com/services/T{rs(string.ascii_uppercase + string.digits, 8)}/B{rs(string.ascii_uppercase + string.digits, 10)}/{aln(24)}')
    f.secret(f'          DOCKERHUB_TOKEN: dckr_pat_{url64(27)}')
    f = new(f'ci{i}/.gitlab-ci.yml')
    f.ok('stages: [build, deploy]', 'deploy:', '  stage: deploy', '  script:')
    f.secret(f'    - curl -u admin:{password()} https://nexus.acme.io/service/rest/v1/components')
    f.trick('    - curl -sSf -u "$NEXUS_USER:$NEXUS_PASS" https://nexus.acme.io', '    - docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY" < token')
    f.secret(f'    - docker login -u deploy -p {password()} registry.acme.io')

# Terraform, properties, Dockerfiles
for i in range(6):
    f = new(f'tf{i}/main.tf')
    f.ok('provider "aws" {', '  region     = "eu-west-1"')
    f.secret(f'  access_key = "AKIA{rs(string.ascii_uppercase + "234567", 16)}"')
    f.secret(f'  secret_key = "{b64(40)}"')
    f.ok('}', 'resource "aws_db_instance" "main" {', '  engine   = "postgres"', '  username = "app"')
    f.trick('  password = var.db_password', f'  kms_key_id = "arn:aws:kms:eu-west-1:{rs(string.digits, 12)}:key/{uuid()}"')
    f.ok('}')
    f = new(f'tf{i}/terraform.tfvars')
    f.secret(f'db_password = "{password()}"')
    f.secret(f'datadog_api_key = "{hexs(32)}"')
    f.trick('region = "eu-west-1"', f'vpc_id = "vpc-{hexs(17)}"', f'ami = "ami-{hexs(17)}"')
    f = new(f'java{i}/src/main/resources/application.properties')
    f.ok('server.port=8080', 'spring.datasource.url=jdbc:postgresql://db:5432/orders', 'spring.datasource.username=app')
    f.secret(f'spring.datasource.password={password()}')
    f.trick('spring.datasource.password=${DB_PASSWORD}', 'management.endpoints.web.exposure.include=health', 'spring.jpa.open-in-view=false')
    f.secret(f'app.jwt.secret={b64(48)}')
    f = new(f'docker{i}/Dockerfile')
    f.ok('FROM python:3.12-slim', 'WORKDIR /app', 'COPY . .')
    f.secret(f'ENV API_TOKEN={gh()}')
    f.secret(f'ARG PIP_INDEX_URL=https://{R.choice(USERS)}:{password()}@pypi.acme.io/simple')
    f.trick('ARG NPM_TOKEN', 'ENV PYTHONDONTWRITEBYTECODE=1', 'RUN --mount=type=secret,id=npm_token npm ci', 'RUN chmod 755 /app/entrypoint.sh')
    f.ok('CMD ["python", "-m", "app"]')

# Source code with secrets and lookalikes
for i in range(12):
    lang = i % 4
    if lang == 0:
        f = new(f'src{i}/client.py')
        f.ok('import os', 'import requests', '')
        f.trick('API_TOKEN = os.environ["API_TOKEN"]', 'TOKEN_URL = "https://auth.acme.io/oauth/token"', f'EMPTY_SHA256 = "{hashlib.sha256(b"").hexdigest()}"',
                f'DEFAULT_ICON = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk{b64(20)}AAAAASUVORK5CYII="',
                'password = getpass.getpass("Password: ")', f'REQUEST_ID = "{uuid()}"', 'def get_token(): return session.token')
        name, gen = R.choice(TOKENS)
        f.secret(f'{name.lower()} = "{gen()}"')
        f.secret(f'client = Client(api_key="{aln(40)}", region="eu")')
        f.secret(f'conn = psycopg2.connect(host="{R.choice(HOSTS)}", user="app", password="{password()}")')
    elif lang == 1:
        f = new(f'src{i}/index.js')
        f.ok("const express = require('express');", 'const app = express();')
        f.trick('const apiKey = process.env.API_KEY;', "const secretName = 'prod/payments/stripe';", f"const buildHash = '{hexs(40)}';",
                "const tokenKey = 'auth.session.token.v2';", "headers['Authorization'] = `Bearer ${token}`;", f"const integrity = 'sha512-{b64(86)}==';")
        name, gen = R.choice(TOKENS)
        f.secret(f"const {name.lower().replace('_', '')} = '{gen()}';")
        f.secret(f"const client = new Api({{ token: '{aln(32)}' }});")
        f.secret(f"mongoose.connect('mongodb+srv://{R.choice(USERS)}:{password()}@cluster0.{rs(string.ascii_lowercase, 5)}.mongodb.net/app');")
    elif lang == 2:
        f = new(f'src{i}/main.go')
        f.ok('package main', '', 'import "os"')
        f.trick('var token = os.Getenv("GITHUB_TOKEN")', f'const sessionCookieName = "session_token"', f'var testUUID = "{uuid()}"',
                'tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}', f'const checksum = "{hexs(64)}"')
        name, gen = R.choice(TOKENS)
        f.secret(f'const {name.title().replace("_", "")} = "{gen()}"')
        f.secret(f'db, _ := sql.Open("mysql", "{R.choice(USERS)}:{password()}@tcp({R.choice(HOSTS)}:3306)/orders")')
    else:
        f = new(f'src{i}/Config.java')
        f.ok('package com.acme.billing;', 'public final class Config {')
        f.trick('    private static final String PASSWORD_PATTERN = "^(?=.*[0-9]).{8,}$";', '    private final String apiKey = System.getenv("API_KEY");',
                f'    static final String SERIAL = "{uuid()}";', '    static final String TOKEN_HEADER = "X-Auth-Token";')
        f.secret(f'    private static final String DB_PASSWORD = "{password()}";')
        name, gen = R.choice(TOKENS)
        f.secret(f'    static final String {name} = "{gen()}";')
        f.ok('}')
    for _ in range(6):
        f.trick(R.choice([f'# see docs: token = "<your token>"', f'assert hash == "{hexs(64)}"', f'user_id = "{uuid()}"', 'password = None',
                          'if password == confirm_password: pass', f'etag = "{hexs(32)}"', 'token_type = "Bearer"', f'color = "#{hexs(6)}"',
                          f'test_token = "test_{aln(8)}"', 'api_key = "your-api-key-here"', 'SECRET_KEY = "changeme"', f'version = "1.{R.randint(0, 40)}.{R.randint(0, 9)}"']))

# Lock files, minified assets, docs: no secrets at all
for i in range(3):
    f = new(f'lock{i}/package-lock.json')
    f.trick('{', '  "name": "web",', '  "lockfileVersion": 3,', '  "packages": {')
    for n in range(40):
        f.trick(f'    "node_modules/pkg-{n}": {{', f'      "version": "{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 9)}",',
                f'      "resolved": "https://registry.npmjs.org/pkg-{n}/-/pkg-{n}-1.0.0.tgz",', f'      "integrity": "sha512-{b64(86)}=="', '    },')
    f.trick('  }', '}')
    f = new(f'lock{i}/Cargo.lock')
    for n in range(30):
        f.trick('[[package]]', f'name = "crate-{n}"', f'version = "0.{R.randint(1, 9)}.{R.randint(0, 9)}"', 'source = "registry+https://github.com/rust-lang/crates.io-index"', f'checksum = "{hexs(64)}"', '')
    f = new(f'lock{i}/go.sum')
    for n in range(40):
        f.trick(f'github.com/acme/mod{n} v1.{n}.0 h1:{b64(43)}=', f'github.com/acme/mod{n} v1.{n}.0/go.mod h1:{b64(43)}=')
    f = new(f'lock{i}/yarn.lock')
    for n in range(30):
        f.trick(f'pkg-{n}@^1.0.0:', '  version "1.0.3"', f'  resolved "https://registry.yarnpkg.com/pkg-{n}/-/pkg-{n}-1.0.3.tgz#{hexs(40)}"', f'  integrity sha512-{b64(86)}==', '')
    f = new(f'lock{i}/poetry.lock')
    for n in range(20):
        f.trick('[[package]]', f'name = "lib{n}"', 'version = "2.1.0"', 'files = [', f'    {{file = "lib{n}-2.1.0.tar.gz", hash = "sha256:{hexs(64)}"}},', ']', '')
    f = new(f'static{i}/app.min.js')
    f.trick('!function(e){var t={};' + ';'.join(f'var k{n}="{b64(40)}"' for n in range(30)) + '}();')
    f = new(f'docs{i}/README.md')
    f.trick('# Setup', 'Set `GITHUB_TOKEN=ghp_your_token_here` in `.env`.', 'export OPENAI_API_KEY="sk-..."', 'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io',
            'DATABASE_URL=postgres://user:password@localhost:5432/db', '```', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '```',
            f'Request ids look like `{uuid()}`.', 'Passwords must be at least 12 characters long.')

def main():
    out = os.path.join(HERE, 'files')
    shutil.rmtree(out, ignore_errors=True)
    labels = ['# Secret line ranges per corpus file, written by generate.py: [start, end] (1-based, inclusive).', '']
    secrets = tricky = 0
    for f in FILES:
        path = os.path.join(out, f.path + '.rot13')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', newline='\n') as fh:
            fh.write(codecs.encode('\n'.join(f.lines) + '\n', 'rot13'))
        labels.append(f'[{json.dumps(f.path)}]')
        labels.append('secrets = [' + ', '.join(f'[{a}, {b}]' for a, b in f.secrets) + ']')
        labels.append(f'tricky = {f.tricky}')
        secrets += len(f.secrets); tricky += f.tricky
    with open(os.path.join(HERE, 'labels.toml'), 'w') as fh:
        fh.write('\n'.join(labels) + '\n')
    print(f'{len(FILES)} files, {secrets} secrets, {tricky} tricky non-secret lines')

if __name__ == '__main__':
    main()

<?php

declare(strict_types=1);

namespace Forum\App;

final class Account
{
    private const PASSWORD_MIN = 12;

    public function register(array $input, \PDO $db): void
    {
        $password = $_POST['password'] ?? '';
        if (strlen($password) < self::PASSWORD_MIN) {
            throw new \InvalidArgumentException('password too short');
        }
        $hash = password_hash($password, PASSWORD_DEFAULT);
        $stmt = $db->prepare('INSERT INTO users (name, password_hash) VALUES (?, ?)');
        $stmt->execute([$input['name'], $hash]);
    }

    public static function config(): array
    {
        $config = [];
        $config['db_password'] = getenv('FORUM_DB_PASSWORD');
        $config['api_token'] = $_ENV['FORUM_API_TOKEN'] ?? null;
        $config['password_reset_route'] = '/account/password/reset';
        return $config;
    }

    public function check(string $password, string $hash): bool
    {
        return password_verify($password, $hash);
    }
}

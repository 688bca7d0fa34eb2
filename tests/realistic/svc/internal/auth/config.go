package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
)

// Config holds what the service needs to check callers.
type Config struct {
	Password  string `json:"password" yaml:"password"`
	APIKey    string `json:"api_key" env:"API_KEY"`
	SecretKey []byte `json:"-"`
}

var apiKey string = os.Getenv("API_KEY")

const passwordMinLength = 12
const tokenHeader = "X-Session-Token"

func Load() Config {
	return Config{
		Password:  os.Getenv("SVC_PASSWORD"),
		APIKey:    apiKey,
		SecretKey: []byte(os.Getenv("SVC_SECRET_KEY")),
	}
}

func TokenFrom(r *http.Request) string {
	token := r.URL.Query().Get("token")
	if token == "" {
		token = r.Header.Get(tokenHeader)
	}
	return token
}

func Sign(cfg Config, body []byte) string {
	mac := hmac.New(sha256.New, cfg.SecretKey)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

func Valid(cfg Config, password string) bool {
	return len(password) >= passwordMinLength && hmac.Equal([]byte(password), []byte(cfg.Password))
}

class User < ApplicationRecord
  has_secure_password
  has_secure_token :api_token

  validates :password, length: { minimum: 12 }, allow_nil: true
  PASSWORD_RESET_PATH = "/users/password/edit".freeze

  def self.aws_secret
    Rails.application.credentials.dig(:aws, :secret_access_key)
  end

  def reset_password!(new_password)
    update!(password: new_password, password_confirmation: new_password)
  end

  def masked_token
    api_token.to_s[0, 4] + "..."
  end
end

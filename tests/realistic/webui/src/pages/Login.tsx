import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";

const RESET_ROUTE = "/account/reset-password";
const TOKEN_STORAGE_KEY = "webui.session.token";

export function Login() {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const passwordLabel = t("Password:");
  const apiKey = import.meta.env.VITE_MAPS_API_KEY;

  async function submit() {
    const response = await api.post("/session", { username, password });
    const token: string = response.data.token;
    localStorage.setItem(TOKEN_STORAGE_KEY, token);
    setPassword("");
  }

  return (
    <form onSubmit={submit}>
      <label htmlFor="password">{passwordLabel}</label>
      <input id="password" type="password" name="password" autoComplete="current-password"
        value={password} onChange={(e) => setPassword(e.target.value)} placeholder="Password" />
      <a href={RESET_ROUTE} data-testid="forgot-password">{t("Forgot your password?")}</a>
      <Map apiKey={apiKey} />
    </form>
  );
}

export const headers = (token: string) => ({ Authorization: `Bearer ${token}`, "X-Api-Key": process.env.API_KEY ?? "" });

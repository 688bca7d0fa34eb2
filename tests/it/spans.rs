//! Which text each rule captures: realistic lines, each with the exact secret leakguard must
//! report and where, checked for a folder scan (the bulk regex build) and for `staged` (the
//! commit build). Every value here is made up for this file; the two checksummed tokens carry
//! a valid CRC-32 so the checksum check passes them.

use std::collections::BTreeMap;

use crate::util::{stdout, text, TestRepo};

/// (file, content, line, column, end column, the secret captured).
const CASES: &[(&str, &str, u32, u32, u32, &str)] = &[
    ("tok.txt", "token: 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\n", 1, 8, 48, "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"),
    (".npmrc", "//registry.npmjs.org/:_authToken=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\n", 1, 34, 74, "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"),
    ("aws.ini", "aws_access_key_id = AKIAQ7XK2M9PWT4RZL3N\n", 1, 21, 41, "AKIAQ7XK2M9PWT4RZL3N"),
    ("aws2.ini", "aws_secret_access_key = kR7mQ2xV9pL4tZ8wN3bY6cJ1dF5hG0aSeUtXo2Wq\n", 1, 25, 65, "kR7mQ2xV9pL4tZ8wN3bY6cJ1dF5hG0aSeUtXo2Wq"),
    ("slack.py", "SLACK = \"xoxb-4829173650-7391028465-Zq8Wm3Kx7Lp2Vt9Rn4Bc6Hd1\"\n", 1, 10, 61, "xoxb-4829173650-7391028465-Zq8Wm3Kx7Lp2Vt9Rn4Bc6Hd1"),
    ("pay.rb", "Stripe.api_key = 'sk_live_51Hq7Zx2Wm9Kp4Lt8Rv3Nc6Yb1Jd5Fs0Gh'\n", 1, 19, 61, "sk_live_51Hq7Zx2Wm9Kp4Lt8Rv3Nc6Yb1Jd5Fs0Gh"),
    ("gl.yml", "token: glpat-Xq7Zm2Wk9Lp4Rt8Vn3Bc\n", 1, 8, 34, "glpat-Xq7Zm2Wk9Lp4Rt8Vn3Bc"),
    ("maps.js", "const key = 'AIzaSyBq7Xm2Kp9Lw4Zt8Rv3Nc6Yb1Jd5Fs0Gh7';\n", 1, 14, 53, "AIzaSyBq7Xm2Kp9Lw4Zt8Rv3Nc6Yb1Jd5Fs0Gh7"),
    ("mail.env", "SENDGRID_API_KEY=SG.Tq7Xm2Kp9Lw4Zt8Rv3Nc6a.Yb1Jd5Fs0Gh7Wq3Ek8Lz2Mx6Pv9Rt4Bn1Cs5Dy0Hj\n", 1, 18, 85, "SG.Tq7Xm2Kp9Lw4Zt8Rv3Nc6a.Yb1Jd5Fs0Gh7Wq3Ek8Lz2Mx6Pv9Rt4Bn1Cs5Dy0Hj"),
    ("id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAr7Xq2Kd9Lm4Wz8Pt3Vn6Yc1Hb5Jg0Fs7Ue2Ri9Ox4Ta8Mk3Qw\nZp6Lv1Nc5Ej8Gd2Sy7Bh4Xf0Ku9Ir3Wm6Ot1Pa5Qe8Vl2Dn7Cz4Js0Ty3Hg6Rb9M\nk2Fw5Lx8Up1Yv4Ni7Ao0Sd3Gh6Jq9Ec2Wr5Tz8Kb1Xm4Pl7Vu0Cy3Bf6Dg9Hn2Qs\n-----END RSA PRIVATE KEY-----\n", 3, 1, 65, "Zp6Lv1Nc5Ej8Gd2Sy7Bh4Xf0Ku9Ir3Wm6Ot1Pa5Qe8Vl2Dn7Cz4Js0Ty3Hg6Rb9M\nk2Fw5Lx8Up1Yv4Ni7Ao0Sd3Gh6Jq9Ec2Wr5Tz8Kb1Xm4Pl7Vu0Cy3Bf6Dg9Hn2Qs"),
    ("db.txt", "url: postgres://orders:Vq8rT3mZx2Lk9Wp4@db.internal:5432/orders\n", 1, 24, 40, "Vq8rT3mZx2Lk9Wp4"),
    ("settings.py", "db_password = \"Hn4Tq9Zx7Lc2Wv8R\"\n", 1, 16, 32, "Hn4Tq9Zx7Lc2Wv8R"),
    ("app.yml", "service:\n  api_secret: Jw5Kp8Rx3Mz7Tq2Vn6\n", 2, 15, 33, "Jw5Kp8Rx3Mz7Tq2Vn6"),
    ("creds.json", "{\"client_secret\": \"Mx3Vq8Lz5Rk2Wt9Pn7\"}\n", 1, 20, 38, "Mx3Vq8Lz5Rk2Wt9Pn7"),
    (".env", "SESSION_SECRET=Bz6Qm1Xr8Kt4Wv9Lp3\n", 1, 16, 34, "Bz6Qm1Xr8Kt4Wv9Lp3"),
    ("main.go", "\tapiKey := \"Rt5Wq2Zm8Xk4Lv7Pn3Bc\"\n", 1, 13, 33, "Rt5Wq2Zm8Xk4Lv7Pn3Bc"),
    ("deploy.sh", "export DB_PASSWORD='Ck9Vm4Zq7Xt2Lw6Rp8'\n", 1, 21, 39, "Ck9Vm4Zq7Xt2Lw6Rp8"),
    ("pom.xml", "    <password>Ly4Tq8Zm2Xw6Kr9Vp3</password>\n", 1, 15, 33, "Ly4Tq8Zm2Xw6Kr9Vp3"),
    ("fetch.sh", "curl -u deploy:Pq7Wm3Zx9Rt5Kv2L https://ci.internal/api\n", 1, 16, 32, "Pq7Wm3Zx9Rt5Kv2L"),
    ("req.http", "Authorization: Bearer Nw8Tq3Zm7Xk2Lv9Rp4Bc6Hd1Jf5Gs0\n", 1, 23, 53, "Nw8Tq3Zm7Xk2Lv9Rp4Bc6Hd1Jf5Gs0"),
    ("bot.py", "BOT_TOKEN = \"7461928350:AAHq7Xm2Kp9Lw4Zt8Rv3Nc6Yb1Jd5Fs0GhWk\"\n", 1, 14, 61, "7461928350:AAHq7Xm2Kp9Lw4Zt8Rv3Nc6Yb1Jd5Fs0GhWk"),
    ("hook.txt", "https://discord.com/api/webhooks/1182736450918273645/Zq8Wm3Kx7Lp2Vt9Rn4Bc6Hd1Jf5Gs0Ty3Ek8Lz2Mx6Pv9Rt4Bn1Cs5Dy0Hj7Qa2Wu4Ve_X\n", 1, 34, 124, "1182736450918273645/Zq8Wm3Kx7Lp2Vt9Rn4Bc6Hd1Jf5Gs0Ty3Ek8Lz2Mx6Pv9Rt4Bn1Cs5Dy0Hj7Qa2Wu4Ve_X"),
    ("app.properties", "spring.datasource.url=jdbc:mysql://db.internal:3306/shop?user=shop&password=Gm7Xq2Wz9Kt4Lr8V\n", 1, 77, 93, "Gm7Xq2Wz9Kt4Lr8V"),
    ("age.txt", "AGE-SECRET-KEY-1QZ7XM2KP9LW4ZT8RV3NC6YJD5FS0GH7WQ3EK8LZ2MX6PV9RT4NCS5DYQZ7\n", 1, 1, 75, "AGE-SECRET-KEY-1QZ7XM2KP9LW4ZT8RV3NC6YJD5FS0GH7WQ3EK8LZ2MX6PV9RT4NCS5DYQZ7"),
    ("cfg.json", "{\"auths\": {\"registry.internal\": {\"auth\": \"ZGVwbG95OlBxN1dtM1p4OVJ0NUt2Mkw=\"}}}\n", 1, 43, 75, "ZGVwbG95OlBxN1dtM1p4OVJ0NUt2Mkw="),
    ("hf.py", "HF_TOKEN = \"hf_Tq7XmKpLwZtRvNcYbJdFsGhWqEkLzMxPv\"\n", 1, 13, 49, "hf_Tq7XmKpLwZtRvNcYbJdFsGhWqEkLzMxPv"),
];

/// Each file's findings as (line, column, end column, secret), from a JSON report.
fn spans(args: &[&str], repo: &TestRepo) -> BTreeMap<String, Vec<(u64, u64, u64, String)>> {
    let out = repo.leakguard(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json report");
    let mut found: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let n = |key: &str| f[key].as_u64().unwrap_or(0);
        let file = f["file"].as_str().unwrap_or("").to_string();
        found.entry(file).or_default().push((n("line"), n("column"), n("end_column"), f["secret"].as_str().unwrap_or("").to_string()));
    }
    found
}

#[test]
fn each_rule_captures_exactly_the_secret_in_both_builds() {
    assert!(CASES.len() >= 25);
    let repo = TestRepo::new();
    for (file, content, ..) in CASES {
        repo.write(file, content);
    }
    repo.git(&["add", "-A"]);
    let bulk = spans(&["scan", ".", "--no-redact", "--format", "json"], &repo);
    let commit = spans(&["staged", "--no-redact", "--format", "json"], &repo);
    for (build, found) in [("scan (bulk build)", &bulk), ("staged (commit build)", &commit)] {
        let mut wrong = Vec::new();
        for &(file, _, line, column, end_column, secret) in CASES {
            let want = vec![(u64::from(line), u64::from(column), u64::from(end_column), secret.to_string())];
            if found.get(file) != Some(&want) {
                wrong.push(format!("{file}: want {want:?}, found {:?}", found.get(file)));
            }
        }
        assert!(found.len() == CASES.len(), "{build}: findings in files outside the table: {found:?}");
        assert!(wrong.is_empty(), "{build}:\n{}", wrong.join("\n"));
    }
}

/// The table itself is consistent: on a one-line secret, the columns point at the secret's
/// text in its line, so a wrong column in the table cannot hide behind a right one in a report.
#[test]
fn the_table_columns_point_at_the_secret() {
    for &(file, content, line, column, end_column, secret) in CASES {
        if secret.contains('\n') {
            continue;
        }
        let text = content.lines().nth(line as usize - 1).expect("line in content");
        assert_eq!(&text[column as usize - 1..end_column as usize - 1], secret, "{file}");
    }
}

using System.Text;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// Secret families built from their shapes: every positive test makes many random, valid-looking values of one family
/// (seeded, so a failure repeats) and puts each in several of the ways people paste secrets. The benign set holds the
/// prose, ids and hashes that sit next to secret keywords without being secrets.
/// </summary>
[TestFixture]
public sealed class SecretDetectorTests
{
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private const string Alnum = Upper + Lower + Digits;
    private const string HexLower = "0123456789abcdef";
    private const string Base64Url = Alnum + "_-";
    private const string Base64 = Alnum + "+/";
    private const int Samples = 40;

    private static readonly SecretDetector Detector = new();

    // A family: a value generator and the contexts it is pasted in ({0} is the value).
    private static readonly Dictionary<string, (Func<Random, string> Make, string[] Contexts)> Families = new()
    {
        ["OpenAI"] = (r => "sk-proj-" + R(r, Base64Url, 48, 120), ["OPENAI_API_KEY={0}", "use {0} for the call.", "\"api_key\": \"{0}\""]),
        ["Anthropic"] = (r => "sk-ant-api03-" + R(r, Base64Url, 93) + "AA", ["x-api-key: {0}", "key {0}"]),
        ["Stripe"] = (r => Pick(r, "sk_live_", "sk_test_", "rk_live_", "rk_test_", "sk_prod_") + R(r, Alnum, 24, 99), ["stripe.api_key = '{0}'", "Stripe key {0}."]),
        ["GitHub classic"] = (r => Pick(r, "ghp_", "gho_", "ghu_", "ghs_", "ghr_") + R(r, Alnum, 36), ["GH_TOKEN={0}", "token {0}", "git clone https://x-access-token:{0}@github.com/o/r"]),
        ["GitHub fine-grained"] = (r => "github_pat_" + R(r, Alnum, 22) + "_" + R(r, Alnum, 59), ["GITHUB_TOKEN={0}", "here is my PAT {0} please use it"]),
        ["GitLab"] = (r => "glpat-" + R(r, Base64Url, 20), ["CI token {0}"]),
        ["Slack bot"] = (r => "xoxb-" + R(r, Digits, 10, 13) + "-" + R(r, Digits, 10, 13) + "-" + R(r, Alnum, 24), ["SLACK_BOT_TOKEN={0}", "bot token: {0}"]),
        ["Slack user"] = (r => "xoxp-" + R(r, Digits, 11, 12) + "-" + R(r, Digits, 11, 13) + "-" + R(r, Digits, 11, 13) + "-" + R(r, HexLower, 32), ["\"user_token\": \"{0}\"", "{0}"]),
        ["Slack other"] = (r => Pick(r, "xoxa-2-", "xoxr-", "xoxs-") + R(r, Digits, 10, 12) + "-" + R(r, Alnum, 20, 40), ["slack: {0}"]),
        ["Slack app"] = (r => "xapp-1-A" + R(r, Upper + Digits, 10) + "-" + R(r, Digits, 13) + "-" + R(r, HexLower, 64), ["SLACK_APP_TOKEN={0}"]),
        ["Slack webhook"] = (r => "https://hooks.slack.com/services/T" + R(r, Upper + Digits, 8) + "/B" + R(r, Upper + Digits, 8, 10) + "/" + R(r, Alnum, 24), ["post alerts to {0} please", "WEBHOOK_URL={0}", "{0}"]),
        ["Discord webhook"] = (r => "https://discord.com/api/webhooks/" + R(r, Digits, 18) + "/" + R(r, Base64Url, 68), ["hook: {0}"]),
        ["SendGrid"] = (r => "SG." + R(r, Base64Url, 22) + "." + R(r, Base64Url, 43), ["SENDGRID_API_KEY={0}", "mail with {0}."]),
        ["Hugging Face"] = (r => "hf_" + R(r, Upper + Lower, 34), ["huggingface-cli login --token {0}", "HF_TOKEN={0} python app.py"]),
        ["JWT"] = (Jwt, ["Cookie: session={0}", "id_token={0}&state=1", "the token {0} expired"]),
        ["AWS key id"] = (r => Pick(r, "AKIA", "ASIA") + R(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), ["aws_access_key_id = {0}", "id {0}."]),
        ["AWS secret"] = (r => AwsSecret(r), ["aws_secret_access_key = {0}", "AWS_SECRET_ACCESS_KEY=\"{0}\"", "my AWS secret access key is {0}", "aws secret: {0}", "AWS_SECRET={0}"]),
        ["Azure storage key"] = (r => Convert.ToBase64String(Bytes(r, 64)), ["DefaultEndpointsProtocol=https;AccountName=bms;AccountKey={0};EndpointSuffix=core.windows.net"]),
        ["Azure SAS sig"] = (r => Uri.EscapeDataString(Convert.ToBase64String(Bytes(r, 32))), ["https://bms.blob.core.windows.net/c/f.csv?sv=2022-11-02&ss=b&sp=r&se=2025-01-01T00:00:00Z&sig={0}", "SharedAccessSignature sr=bms&sig={0}&se=1700000000&skn=send"]),
        ["Azure OpenAI key"] = (r => R(r, HexLower, 32), ["api-key: {0}", "Ocp-Apim-Subscription-Key: {0}", "AZURE_OPENAI_API_KEY={0}"]),
        ["Azure AD secret"] = (r => R(r, Alnum, 3) + R(r, Digits, 1) + "Q~" + R(r, Alnum + "_~.-", 33) + "Z", ["client_secret={0}", "use {0} as the app secret"]),
        ["Basic auth"] = (r => Convert.ToBase64String(Encoding.ASCII.GetBytes(R(r, Lower, 4, 10) + ":" + Password(r))), ["Authorization: Basic {0}", "curl -H 'Authorization: Basic {0}' https://bms", "\"authorization\": \"Basic {0}\""]),
        ["Password phrase"] = (Password,
        [
            "password is {0}", "password: {0}", "pwd={0}", "passwd {0}", "the password for the BMS is {0}", "pw: {0}",
            "Passwort: {0}", "le mot de passe est {0}", "Das Passwort für den Router lautet {0}.", "contraseña={0}",
            "The login pass is {0}, use it for troubleshooting.", "password was changed to {0} yesterday",
            "--password {0}", "Password=\"{0}\"", "wachtwoord={0}", "Kennwort = {0}", "\"password\": \"{0}\"", "DB_PASSWORD={0}",
        ]),
        ["Generic assignment"] = (r => R(r, Alnum, 24, 48), ["api_key = \"{0}\"", "token: {0}", "secret={0}", "client_secret: {0}", "\"auth_token\": \"{0}\"", "X-Api-Key: {0}", "credentials = {0}"]),
        ["High entropy near keyword"] = (r => R(r, Base64, 32, 48), ["Here is the secret we use in staging -> {0}", "the BMS integration key, valid until May, is {0}", "credential for vendor portal (rotate monthly) {0}"]),
    };

    private static IEnumerable<string> FamilyNames => Families.Keys;

    [TestCaseSource(nameof(FamilyNames))]
    public void Family_is_found_whole(string family)
    {
        (Func<Random, string> make, string[] contexts) = Families[family];
        // string.GetHashCode differs per process; a seed from the name's characters repeats.
        Random random = new(family.Sum(c => c * 31));
        Assert.Multiple(() =>
        {
            for (int i = 0; i < Samples; i++)
            {
                string value = make(random);
                foreach (string context in contexts)
                {
                    string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, context, value);
                    Assert.That(Found(Detector, text), Does.Contain(value), text);
                }
            }
        });
    }

    [Test]
    public void Aws_secret_after_its_key_id_is_found()
    {
        Random random = new(7);
        for (int i = 0; i < Samples; i++)
        {
            string id = "AKIA" + R(random, Upper + Digits, 16);
            string secret = AwsSecret(random);
            string text = $"creds for the meter uploader: {id} / {secret}";
            Assert.That(Found(Detector, text), Is.EqualTo(new[] { id, secret }), text);
        }
    }

    [Test]
    public void Pem_private_key_block_is_one_span()
    {
        Random random = new(11);
        foreach (string label in new[] { "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY" })
        {
            for (int i = 0; i < 5; i++)
            {
                StringBuilder block = new($"-----BEGIN {label}-----\n");
                if (label == "RSA PRIVATE KEY" && i % 2 == 0)
                {
                    block.Append("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,").Append(R(random, "0123456789ABCDEF", 32)).Append("\n\n");
                }

                for (int line = 0; line < random.Next(3, 12); line++)
                {
                    block.Append(R(random, Base64, 64)).Append('\n');
                }

                block.Append(R(random, Base64, 20)).Append("==\n-----END ").Append(label).Append("-----");
                string pem = block.ToString();
                string text = $"Here is the gateway key:\n{pem}\nThanks.";
                Assert.That(Found(Detector, text), Is.EqualTo(new[] { pem }), label);

                // Pasted into a chat box that flattened the line breaks.
                string flat = pem.Replace('\n', ' ');
                Assert.That(Found(Detector, "key " + flat + " end"), Is.EqualTo(new[] { flat }), label + " flattened");
            }
        }
    }

    [Test]
    public void Pgp_private_key_block_and_truncated_pem_are_found()
    {
        Random random = new(13);
        string pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + R(random, Base64, 64) + "\n" + R(random, Base64, 64) + "\n=8xQN\n-----END PGP PRIVATE KEY BLOCK-----";
        Assert.That(Found(Detector, pgp), Is.EqualTo(new[] { pgp }));

        string truncated = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + R(random, Base64, 70) + "\n" + R(random, Base64, 70);
        Assert.That(Found(Detector, truncated + "\n\nCan you check it?"), Is.EqualTo(new[] { truncated }));
    }

    [TestCase("Server=db;User Id=sa;Password=Hunter2!x;Encrypt=true", "Hunter2!x")]
    [TestCase("My password is SecurePass123, please reset the account.", "SecurePass123")]
    [TestCase("password: correcthorse", "correcthorse")]
    [TestCase("password: \"correct horse battery staple\"", "correct horse battery staple")]
    [TestCase("The BMS admin password is 'Sunshine'.", "Sunshine")]
    [TestCase("PIN/password is 4821", "4821")]
    [TestCase("Authorization: Token 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")]
    [TestCase("api_token: dafa7817-e246-48f3-91a7-e87653d587b8", "dafa7817-e246-48f3-91a7-e87653d587b8")]
    [TestCase("client_secret: gwrEOUXXPYEnehTtvJJwLSeSc", "gwrEOUXXPYEnehTtvJJwLSeSc")]
    [TestCase("sig=abcDEF123%2Bxyz456%2Fqrs789%3D&se=2025", "abcDEF123%2Bxyz456%2Fqrs789%3D")]
    [TestCase("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [TestCase("String t = \"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.\";", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.")]
    public void Labelled_and_edge_forms_are_found(string text, string expected)
        => Assert.That(Found(Detector, text), Is.EqualTo(new[] { expected }));

    // Passwords that commands, SQL and PowerShell carry in their own syntax, and vendor forms of Mailgun, Atlassian and
    // service-account key ids.
    [TestCase("  88  mysql -h db7 -u etl -pGh4!tw92Lq readings", "Gh4!tw92Lq")]
    [TestCase("mariadb -uroot -p'Vo8#kk1Zr' -e 'show tables'", "Vo8#kk1Zr")]
    [TestCase("curl -s -u ops:Wz81pq!Lk -X GET https://bms7.local/api", "Wz81pq!Lk")]
    [TestCase("curl --user \"svc_export:Lm3$qq90Za\" https://h.example", "Lm3$qq90Za")]
    [TestCase("lftp -u dropbox,Tq7wPz20mK -e 'ls; quit' ftp.vendor.example", "Tq7wPz20mK")]
    [TestCase("sshpass -p 'Rk3#pz81Q' scp dump.sql root@10.9.8.7:/tmp", "Rk3#pz81Q")]
    [TestCase("redis-cli -h cache01 -p 6380 -a Yh72kdP0qz INFO", "Yh72kdP0qz")]
    [TestCase("docker login -u deploy -p Bn47!xzQw registry.example.com", "Bn47!xzQw")]
    [TestCase("PGPASSWORD=Fz73mmQ1x psql -h db -U loader", "Fz73mmQ1x")]
    [TestCase("ALTER USER 'etl'@'localhost' IDENTIFIED WITH mysql_native_password BY 'Xc92pL#e1';", "Xc92pL#e1")]
    [TestCase("CREATE USER bms_ro IDENTIFIED BY Kq82mz0Lp;", "Kq82mz0Lp")]
    [TestCase("$pw = ConvertTo-SecureString 'Hd83#kxLq2' -AsPlainText -Force", "Hd83#kxLq2")]
    [TestCase("~/.pgpass:\nreporting.db:5432:bms:reader:copper-lantern-4471\n", "copper-lantern-4471")]
    [TestCase("The SCADA login is engineer / Pz7*kq2Wm. Keep it safe.", "Pz7*kq2Wm")]
    [TestCase("credentials: CORP\\svc_hist / Mv72#kqpZ", "Mv72#kqpZ")]
    [TestCase("curl --user 'api:key-4f0e1d2c3b4a59687f6e5d4c3b2a1f0e' https://api.mailgun.net/v3/x", "key-4f0e1d2c3b4a59687f6e5d4c3b2a1f0e")]
    [TestCase("\"private_key_id\": \"9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d\",", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d")]
    public void Command_line_and_vendor_forms_are_found(string text, string expected)
        => Assert.That(Found(Detector, text), Is.EqualTo(new[] { expected }));

    [Test]
    public void Atlassian_api_token_is_found_whole()
    {
        Random r = new(7);
        for (int i = 0; i < Samples; i++)
        {
            string token = "ATATT3" + R(r, Base64Url, 178) + "=" + R(r, "0123456789ABCDEF", 8);
            Assert.That(Found(Detector, $"curl -u me@corp.example:{token} https://x.atlassian.net"), Does.Contain(token));
            Assert.That(Found(Detector, $"JIRA_API_TOKEN={token}"), Is.EqualTo(new[] { token }));
        }
    }

    // Tools whose password flag is their own (SqlCmd's -P, OpenLDAP's -w, 7-Zip's glued -p, Samba's user%password),
    // and Oracle's user/password@connect: each with many generated passwords, behind prompts, sudo and paths.
    private static readonly string[] ToolPasswordContexts =
    [
        "sqlcmd -S db01 -U sa -P {0} -d energy", "bcp dbo.readings out r.csv -S db01 -U sa -P '{0}' -c",
        "$ mosquitto_pub -h broker.local -u meter -P {0} -t site/kwh -m 12", "mosquitto_sub -h broker -u sensor --pw={0} -t '#'",
        "sudo ipmitool -I lanplus -H bmc01 -U admin -P {0} power status", "ldapsearch -x -H ldap://dc01 -D \"cn=admin,dc=corp\" -w {0} -b dc=corp",
        "ldapmodify -D cn=admin -w '{0}' -f change.ldif", "zip -P {0} export.zip readings.csv", "7z a -p{0} export.7z readings.csv",
        "C:\\Tools\\PsExec.exe \\\\srv01 -u admin -p {0} cmd", "cqlsh cass01 -u cassandra -p {0}",
        "mongosh --host db -u admin -p {0} --authenticationDatabase admin", "mongodump -u admin -p \"{0}\" --db ems",
        "smbclient //nas/share -U admin%{0}", "http -a admin:{0} GET https://bms.local/api", "ab -n 100 -A ops:{0} https://bms.local/",
        "snmpwalk -v3 -l authPriv -u ops -a SHA -A {0} -x AES -X Zz9{0} bms01", "keytool -list -keystore ks.jks -storepass {0}",
        "htpasswd -b /etc/nginx/.htpasswd admin {0}", "htpasswd -nbB admin {0}", "influx setup -u admin -p {0} -o ems -b meters",
        "sqlplus scott/{0}@orcl", "expdp system/{0}@PROD schemas=EMS", "jdbc:oracle:thin:ems/{0}@db01:1521/ORCL",
        "ls exports | xargs -n1 && unzip -P {0} export.zip",
    ];

    [Test]
    public void Tool_password_flags_are_found()
    {
        Random random = new(23);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 8; i++)
            {
                // No quotes in a generated password: a quoted context would be closed early.
                string password = Password(random).Replace("%", "!", StringComparison.Ordinal).Replace("@", "#", StringComparison.Ordinal);
                foreach (string context in ToolPasswordContexts)
                {
                    string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, context, password);
                    Assert.That(Found(Detector, text), Does.Contain(password), text);
                }
            }
        });
    }

    // The same flags for tools where they mean something else, and the tools without a password on the line.
    [TestCase("ssh -p 2222 admin@host and scp -P 2222 file host:/tmp")]
    [TestCase("mkdir -p /var/lib/ems && cp -p a b")]
    [TestCase("sqlcmd -S db01 -E -Q \"SELECT 1\"")]
    [TestCase("zip -r export.zip readings/ and 7z a -mx9 export.7z readings.csv")]
    [TestCase("ldapsearch -x -b \"dc=corp\" \"(uid=jdoe)\"")]
    [TestCase("mosquitto_sub -h broker -t 'site/#' -v")]
    [TestCase("smbclient -L //nas -U admin")]
    [TestCase("http -a admin GET https://bms.local/api")]
    [TestCase("the well-known e-mail re-send - a co-op -- non-stop HVAC, version 1.2.3-rc1, part 30XA-0802, 2024-03-01")]
    [TestCase("mail jane.doe@example.com or ops/team@corp and ratio 3/4@home")]
    [TestCase("sqlplus / as sysdba and sqlplus scott@orcl")]
    [TestCase("ipmitool -I lanplus -H bmc01 -U admin -P $IPMI_PASSWORD power status")]
    public void Tool_flag_look_alikes_give_nothing(string text)
        => Assert.That(Found(Detector, text), Is.Empty);

    // Published token shapes beyond the first set: prefixes and alphabets from the vendors' documentation.
    private static readonly (string Vendor, Func<Random, string> Make)[] MoreVendorTokens =
    [
        ("GitLab deploy", r => Pick(r, "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-") + R(r, Base64Url, 20, 40)),
        ("Google OAuth client secret", r => "GOCSPX-" + R(r, Base64Url, 28)),
        ("Mailchimp", r => R(r, HexLower, 32) + "-us" + r.Next(1, 22)),
        ("Brevo", r => "xkeysib-" + R(r, HexLower, 64) + "-" + R(r, Alnum, 16)),
        ("Supabase", r => "sbp_" + R(r, HexLower, 40)),
        ("Docker Hub", r => "dckr_pat_" + R(r, Base64Url, 27)),
        ("Pulumi", r => "pul-" + R(r, HexLower, 40)),
        ("SonarQube", r => Pick(r, "squ_", "sqp_", "sqa_") + R(r, HexLower, 40)),
        ("PlanetScale", r => Pick(r, "pscale_tkn_", "pscale_pw_") + R(r, Base64Url, 43)),
        ("Buildkite", r => "bkua_" + R(r, HexLower, 40)),
        ("Netlify", r => "nfp_" + R(r, Alnum, 36)),
        ("LangSmith", r => Pick(r, "lsv2_pt_", "lsv2_sk_") + R(r, HexLower, 32) + "_" + R(r, HexLower, 10)),
        ("Figma", r => "figd_" + R(r, Base64Url, 40)),
        ("Square", r => "sq0atp-" + R(r, Base64Url, 22)),
        ("Heroku", r => "HRKU-" + R(r, Base64Url, 60)),
        ("Contentful", r => "CFPAT-" + R(r, Base64Url, 43)),
        ("ElevenLabs", r => "sk_" + R(r, HexLower, 48)),
        ("Render", r => "rnd_" + R(r, Alnum, 32)),
        ("Mapbox secret", r => "sk.eyJ1Ijoi" + R(r, Base64Url.Replace("-", "", StringComparison.Ordinal), 40, 60) + "." + R(r, Alnum, 22)),
        ("age identity", r => "AGE-SECRET-KEY-1" + R(r, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
    ];

    [Test]
    public void More_vendor_token_shapes_are_found()
    {
        string[] contexts = ["TOKEN={0}", "use {0} for the deploy", "\"token\": \"{0}\"", "{0}"];
        Random random = new(29);
        Assert.Multiple(() =>
        {
            foreach ((string vendor, Func<Random, string> make) in MoreVendorTokens)
            {
                for (int i = 0; i < 10; i++)
                {
                    string token = make(random);
                    foreach (string context in contexts)
                    {
                        string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, context, token);
                        Assert.That(Found(Detector, text), Is.EqualTo(new[] { token }), vendor + ": " + text);
                    }
                }
            }
        });
    }

    // Prefix look-alikes: names, ids and hashes that share a vendor's prefix without its length or alphabet.
    [TestCase("re_run the job and re_try_count = 3; rnd_seed = 42; fw_version 2.1")]
    [TestCase("the pul-request template and csk-mode switch, gldt-docs page")]
    [TestCase("commit 9f86d081884c7d659a2feaa0c55ad015-us and 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [TestCase("sk_learn_model and sq0atp-short")]
    [TestCase("pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJjbGV4YW1wbGUwMDAwMDAwMDAwMDAwMDAwMCJ9.Ab3dEf9hIjK2mNoPqR5tUv is Mapbox's public token; AGE-SECRET-KEY-1 alone")]
    public void Vendor_prefix_look_alikes_give_nothing(string text)
        => Assert.That(Found(Detector, text), Is.Empty);

    // Look-alikes of the command forms: a prompted password, a port, a database name, prose.
    [TestCase("mysql -h db01 -u root -p energy")]
    [TestCase("ssh -p 2222 admin@host")]
    [TestCase("curl -u admin https://bms.local/api")]
    [TestCase("curl --user-agent Mozilla/5.0 https://x.example")]
    [TestCase("The fault was identified by Maria Keller during the audit.")]
    [TestCase("The login page is https://bms.local/login and the login is SSO / LDAP.")]
    [TestCase("After login, open Reports / Trends.")]
    [TestCase("key-value pairs and key-4f0e1d2c are fine")]
    [TestCase("\"key_id\": \"3f2e1d0c\", \"public_key_id\": \"9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d\"")]
    [TestCase("$s = ConvertTo-SecureString $encrypted")]
    [TestCase("Our ~/.pgpass is chmod 0600 and holds one line per database.")]
    public void Command_look_alikes_give_nothing(string text)
        => Assert.That(Found(Detector, text), Is.Empty);

    [Test]
    public void Only_the_value_is_the_span()
    {
        const string Text = "pwd=Zk8#vq2Lm";
        List<SensitiveSpan> spans = Spans(Detector, Text);
        Assert.That(spans, Has.Count.EqualTo(1));
        Assert.That(Text.Substring(spans[0].Start, spans[0].Length), Is.EqualTo("Zk8#vq2Lm"));
        Assert.That(spans[0].EntityType, Is.EqualTo(EntityTypes.Secret));
    }

    [TestCase("Password=SECRET_1;")]
    [TestCase("password: SECRET_2")]
    [TestCase("the password is SECRET_3.")]
    [TestCase("api_key = \"SECRET_4\"")]
    [TestCase("Authorization: Bearer SECRET_5")]
    [TestCase("Authorization: Basic SECRET_6")]
    [TestCase("password: [REDACTED_SECRET]")]
    [TestCase("token=[REDACTED_SECRET] and key: [REDACTED_SECRET]")]
    [TestCase("postgres://app:SECRET_7@db.local/x")]
    [TestCase("AccountKey=SECRET_8;EndpointSuffix=core.windows.net")]
    [TestCase("passwd secret_9 for PERSON_1 at BUILDING_2")]
    [TestCase("password: ${DB_PASSWORD}")]
    [TestCase("password=<your-password>")]
    [TestCase("api_key: {{ .Values.apiKey }}")]
    [TestCase("password: ********")]
    public void Placeholders_and_redactions_are_never_reported(string text)
        => Assert.That(Found(Detector, text), Is.Empty);

    [TestCase("Our password policy requires 12 characters and rotation every 90 days.")]
    [TestCase("The password is stored in a vault, not in the ticket.")]
    [TestCase("How do I reset your password without sharing it?")]
    [TestCase("password: see the runbook")]
    [TestCase("Password: ask the facilities team")]
    [TestCase("Password must be at least 12 characters; password 12-character minimum.")]
    [TestCase("The test password is 000000, for demo?")]
    [TestCase("Does it use ABC123 as a default pass?")]
    [TestCase("Passwordless login is enabled for the BMS.")]
    [TestCase("My API key is API-26395f12686")]
    [TestCase("Key findings: gas use was 14 % higher than February at 412 kWh per day.")]
    [TestCase("The token bucket refills 500 tokens per second.")]
    [TestCase("Compliance with ASHRAE 90.1-2019, chiller Carrier 30XA-0802, invoice INV-2024-00831.")]
    [TestCase("key: 30XA-0802")]
    [TestCase("The building key is Panther_office_Hannah and the site is Panther.")]
    [TestCase("token: CancellationTokenSourceFactory and secret = Panther_office_Hannah")]
    [TestCase("The PW is 4-20 mA and the pass rate: 98.5 %; password age 2024-03-01.")]
    [TestCase("max tokens: 4096, token limit: 8k, key performance indicators: 12")]
    [TestCase("secret sauce: Panther_lodging_Dean and Fox_education_Wendell")]
    [TestCase("The record id 6f1c2a4e-9b7d-4c3a-8e2f-1a2b3c4d5e6f is the key for that meter.")]
    [TestCase("The SHA-256 of firmware.bin is e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855; check the key file.")]
    [TestCase("commit 3f2a9c1e8b7d6f5a4c3b2a1f0e9d8c7b6a5f4e3d fixed the token refresh")]
    [TestCase("key_name: prod5zyxlmy-cmk and kms_key_id: 555ea4a3-d53a-4412-9c66-3a7cb667b0d6")]
    [TestCase("public_key = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\"")]
    [TestCase("primaryKey=Zq8vT1mN4bX7cR2wK9pL5sY3")]
    [TestCase("The secret file is at data/bdg2/metadata/electricity_cleaned_2016_2017.csv")]
    [TestCase("token endpoint: https://login.microsoftonline.com/common/oauth2/v2.0/token?client_id=abc")]
    [TestCase("See https://example.com/api/v2/readings?page=2&site=Panther for the auth flow.")]
    [TestCase("we use sk-learn for models and a desk-top ask-me bot")]
    [TestCase("the bearer of bad news")]
    [TestCase("A basic setpoint schedule works; basic load is 40 kW.")]
    [TestCase("Authentication with Azure AD; the author signed the design significantly.")]
    [TestCase("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx and xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx")]
    [TestCase("xoxb-12345-abcd234 or xoxb-xoxb-my-bot-token")]
    [TestCase("- (id)hf_requiredCharacteristicTypesForDisplayMetadata;")]
    [TestCase("task = \"task_test_abcdefghij0123456789abcdefghij\"")]
    [TestCase("-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----")]
    [TestCase("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----")]
    [TestCase("ssh key: ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDjI8z3u5Xk user@host")]
    [TestCase("The meter key MTR-000123 reads 41.2 kWh at 2024-03-01 00:15.")]
    [TestCase("Site ID,Building,Area\nPanther,Panther_office_Hannah,5477.0\nFox,Fox_education_Wendell,2088.0")]
    [TestCase("Passwort ändern: siehe Handbuch Seite 12.")]
    [TestCase("Le mot de passe est stocké dans le coffre.")]
    public void Benign_text_gives_nothing(string text)
        => Assert.That(Found(Detector, text), Is.Empty);

    [Test]
    public void Benchmark_prompt_gives_nothing()
    {
        string prompt = BenchmarkPrompt();
        Assert.That(Found(Detector, prompt), Is.Empty);
    }

    [Test]
    public void Spans_do_not_overlap_when_rules_meet()
    {
        const string Text = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU and api_key=\"sk-proj-abcdefghijklmnopqrstuvwxyz123456\"";
        List<SensitiveSpan> spans = Spans(Detector, Text).OrderBy(s => s.Start).ToList();
        Assert.That(spans, Has.Count.EqualTo(2));
        Assert.That(spans[0].End, Is.LessThanOrEqualTo(spans[1].Start));
    }

    // The 8 KB energy-management prompt of the detection benchmark, rebuilt here from the same sentences.
    private static string BenchmarkPrompt()
    {
        string[] sentences =
        [
            "The chiller plant ran at 78 % of rated capacity during the afternoon peak, and the supply water temperature drifted up by 1.5 degrees. ",
            "Please compare the heating demand of the east wing with last winter; the boiler cycled more often than the schedule suggests. ",
            "If anything is unclear, write to facilities.team@northwind-energy.com or call 415-555-0132 before Friday. ",
            "The plant room is at 742 Evergreen Terrace, and the rooftop units sit at 37.7749 N, 122.4194 W. ",
            "The building controller answers on 10.20.30.41 and the meter gateway on 192.168.1.77. ",
            "Meter readings: 2024-03-01 00:00,41.2 2024-03-01 00:15,40.8 2024-03-01 00:30,39.9 kWh. ",
            "The contractor, reachable at +44 20 7946 0958, will invoice the site at 1600 Pennsylvania Ave NW. ",
        ];
        StringBuilder builder = new();
        for (int i = 0; builder.Length < 8192; i++)
        {
            builder.Append(sentences[i % sentences.Length]);
        }

        return builder.ToString();
    }

    private static string R(Random random, string alphabet, int length) => R(random, alphabet, length, length);

    private static string R(Random random, string alphabet, int min, int max)
    {
        int length = random.Next(min, max + 1);
        char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        // A random draw can lack a digit or a letter; keys of these families almost always have both.
        chars[random.Next(length)] = Digits[random.Next(Digits.Length)];
        if (alphabet.Any(char.IsAsciiLetter))
        {
            int letter = (random.Next(length - 1) + 1 + Array.IndexOf(chars, chars.First(char.IsAsciiDigit))) % length;
            chars[letter] = alphabet.Contains('a', StringComparison.Ordinal) ? Lower[random.Next(6)] : Upper[random.Next(6)];
        }

        return new string(chars);
    }

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static byte[] Bytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string AwsSecret(Random random) => R(random, Base64, 40);

    // Letters, digits and a symbol, as password rules demand.
    private static string Password(Random random) =>
        R(random, Upper, 1) + R(random, Lower, 4, 8) + R(random, Digits, 2, 4) + Pick(random, "!", "#", "$", "%", "*", "@", "+", "");

    private static string Jwt(Random random)
    {
        static string B64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        string header = B64Url($"{{\"alg\":\"{Pick(random, "HS256", "RS256", "ES256")}\",\"typ\":\"JWT\"}}");
        string payload = B64Url($"{{\"sub\":\"{R(random, Alnum, 8)}\",\"iat\":{random.Next(1_500_000_000, 1_800_000_000)},\"role\":\"{Pick(random, "admin", "operator")}\"}}");
        string signature = Convert.ToBase64String(Bytes(random, 32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return header + "." + payload + "." + signature;
    }
}

using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Secrets recognisable by their own form, without a label: vendor keys with a fixed prefix (<c>sk-</c>, <c>ghp_</c>,
/// <c>xoxb-</c>, <c>SG.</c>, <c>hf_</c>, <c>AKIA</c> …), JSON Web Tokens, PEM private key blocks, webhook URLs that carry
/// their own credential, and Azure AD client secrets.
/// </summary>
/// <remarks>
/// Each form is tried only where <see cref="SecretDetector"/>'s vectorised search stopped, so a form costs nothing on text
/// that lacks its prefix. A form is a prefix followed by a run of body characters with a length range; the run is taken
/// whole (a longer run is not cut to fit), which is what keeps <c>sk-learn-…</c> prose and embedded ids out.
/// </remarks>
internal static class SecretTokenForms
{
    private static readonly SearchValues<char> Alnum =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private static readonly SearchValues<char> AlnumDashUnderscore =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static readonly SearchValues<char> AlnumUnderscore =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    private static readonly SearchValues<char> AlnumDash =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly SearchValues<char> Letters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> UpperDigits = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static readonly SearchValues<char> Base64Url =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.=");

    private static readonly SearchValues<char> SendGridBody =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    private static readonly SearchValues<char> WebhookPath =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-/+");

    private static readonly SearchValues<char> AzureSecretBody =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-");

    // Atlassian API tokens are base64url with '=' before their eight-hex checksum.
    private static readonly SearchValues<char> AtlassianBody =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=");

    private static readonly SearchValues<char> Base64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    // Prefix, body alphabet, body length range. Lengths follow the vendors' documented formats (as collected in
    // gitleaks' rule set) with room where a vendor has changed length over time.
    private static readonly Form[] Forms =
    [
        new("sk-", AlnumDashUnderscore, 20, 256), // OpenAI (sk-proj-, sk-svcacct-, legacy), Anthropic (sk-ant-api03-)
        new("sk_live_", Alnum, 10, 256), // Stripe secret keys
        new("sk_test_", Alnum, 10, 256),
        new("sk_prod_", Alnum, 10, 256),
        new("rk_live_", Alnum, 10, 256), // Stripe restricted keys
        new("rk_test_", Alnum, 10, 256),
        new("rk_prod_", Alnum, 10, 256),
        new("whsec_", Alnum, 24, 256), // Stripe webhook signing secret
        new("AIza", AlnumDashUnderscore, 35, 35), // Google API key
        new("ghp_", Alnum, 36, 255), // GitHub classic PAT, OAuth, user-to-server, server-to-server, refresh
        new("gho_", Alnum, 36, 255),
        new("ghu_", Alnum, 36, 255),
        new("ghs_", Alnum, 36, 255),
        new("ghr_", Alnum, 36, 255),
        new("github_pat_", AlnumUnderscore, 40, 255), // GitHub fine-grained PAT (22 + '_' + 59 today)
        new("glpat-", AlnumDashUnderscore, 20, 255), // GitLab PAT
        new("AKIA", UpperDigits, 16, 16), // AWS access key ids: long-term, STS, bearer, context
        new("ASIA", UpperDigits, 16, 16),
        new("ABIA", UpperDigits, 16, 16),
        new("ACCA", UpperDigits, 16, 16),
        new("hf_", Alnum, 30, 40), // Hugging Face user access token
        new("api_org_", Letters, 34, 34), // Hugging Face organisation token
        new("npm_", Alnum, 36, 36),
        new("pypi-AgE", AlnumDashUnderscore, 50, 400),
        new("dop_v1_", LowerHex, 64, 64), // DigitalOcean
        new("doo_v1_", LowerHex, 64, 64),
        new("dor_v1_", LowerHex, 64, 64),
        new("shpat_", Alnum, 32, 32), // Shopify
        new("shpss_", Alnum, 32, 32),
        new("shpca_", Alnum, 32, 32),
        new("shppa_", Alnum, 32, 32),
        new("gsk_", Alnum, 40, 64), // Groq
        new("xai-", Alnum, 40, 100), // xAI
        new("pplx-", Alnum, 40, 64), // Perplexity
        new("r8_", Alnum, 30, 40), // Replicate
        new("dapi", LowerHex, 32, 32), // Databricks
        new("xoxb-", AlnumDash, 16, 400), // Slack bot, user, app, refresh, legacy workspace, config tokens
        new("xoxp-", AlnumDash, 16, 400),
        new("xoxa-", AlnumDash, 16, 400),
        new("xoxr-", AlnumDash, 16, 400),
        new("xoxs-", AlnumDash, 16, 400),
        new("xoxo-", AlnumDash, 16, 400),
        new("xoxe-", AlnumDash, 16, 400),
        new("xoxe.xox", AlnumDash, 16, 400),
        new("xapp-", AlnumDash, 16, 400), // Slack app-level token
        new("ATATT3", AtlassianBody, 150, 400), // Atlassian (Jira, Confluence) API token, 192 characters with its prefix
        new("ATCTT3", AtlassianBody, 150, 400), // Atlassian organisation admin API key
        new("ATBB", Alnum, 32, 64), // Bitbucket app password
        new("key-", LowerHex, 32, 32), // Mailgun private API key (the legacy form still issued for older accounts)
        new("NRAK-", UpperDigits, 27, 27), // New Relic user API key
        new("PMAK-", AlnumDash, 59, 59), // Postman API key: 24 hex, '-', 34 hex
        new("hvs.", AlnumDashUnderscore, 24, 200), // HashiCorp Vault service token
        new("tskey-", AlnumDash, 20, 100), // Tailscale auth and API keys
        new("sntrys_", Base64Url, 50, 400), // Sentry organisation auth token
        new("sntryu_", LowerHex, 64, 64), // Sentry user auth token
        new("glsa_", AlnumUnderscore, 32, 64), // Grafana service account token
        new("glc_", Base64Url, 32, 400), // Grafana Cloud access policy token
        new("lin_api_", Alnum, 40, 40), // Linear
        new("ntn_", Alnum, 40, 50), // Notion integration token

        // Found through their underscore.
        new("fo1_", AlnumDashUnderscore, 40, 50), // Fly.io
        new("nfp_", Alnum, 36, 40), // Netlify personal access token
        new("sbp_", LowerHex, 40, 40), // Supabase personal access token
        new("sb_secret_", AlnumDashUnderscore, 20, 64), // Supabase secret API key
        new("rnd_", Alnum, 28, 40), // Render
        new("figd_", AlnumDashUnderscore, 36, 64), // Figma
        new("lsv2_pt_", AlnumUnderscore, 40, 60), // LangSmith personal and service keys
        new("lsv2_sk_", AlnumUnderscore, 40, 60),
        new("pcsk_", AlnumUnderscore, 40, 100), // Pinecone
        new("dckr_pat_", AlnumDashUnderscore, 24, 40), // Docker Hub personal and organisation access tokens
        new("dckr_oat_", AlnumDashUnderscore, 24, 40),
        new("bkua_", LowerHex, 40, 40), // Buildkite
        new("pnu_", Alnum, 36, 36), // Prefect
        new("rdme_", Alnum, 64, 80), // ReadMe
        new("tfp_", AlnumDashUnderscore, 40, 64), // Typeform
        new("pscale_tkn_", AlnumDashUnderscore, 32, 64), // PlanetScale service token, password, OAuth token
        new("pscale_pw_", AlnumDashUnderscore, 32, 64),
        new("pscale_oauth_", AlnumDashUnderscore, 32, 64),
        new("squ_", LowerHex, 40, 40), // SonarQube user, project and global analysis tokens
        new("sqp_", LowerHex, 40, 40),
        new("sqa_", LowerHex, 40, 40),
        new("ops_", Base64Url, 100, 2000), // 1Password service account (ops_eyJ…)
        new("re_", AlnumUnderscore, 24, 64), // Resend
        new("fw_", Alnum, 20, 40), // Fireworks AI
        new("shippo_live_", LowerHex, 40, 40), // Shippo
        new("sk_", LowerHex, 48, 48), // ElevenLabs: after Stripe's sk_live_, sk_test_, sk_prod_

        // Found through their dash (IsDashPrefix).
        new("gldt-", AlnumDashUnderscore, 20, 255), // GitLab deploy, runner, pipeline-trigger, CI-build, feed, OAuth-app
        new("glrt-", AlnumDashUnderscore, 20, 255), // and agent tokens (GitLab's documented token prefixes)
        new("glptt-", AlnumDashUnderscore, 20, 255),
        new("glcbt-", AlnumDashUnderscore, 20, 255),
        new("glft-", AlnumDashUnderscore, 20, 255),
        new("gloas-", AlnumDashUnderscore, 20, 255),
        new("glagent-", AlnumDashUnderscore, 20, 255),
        new("glimt-", AlnumDashUnderscore, 20, 255),
        new("glsoat-", AlnumDashUnderscore, 20, 255),
        new("glffct-", AlnumDashUnderscore, 20, 255),
        new("GOCSPX-", AlnumDashUnderscore, 28, 28), // Google OAuth client secret
        new("xkeysib-", AlnumDash, 60, 100), // Brevo (Sendinblue) API key: 64 hex, '-', 16 alphanumerics
        new("xsmtpsib-", AlnumDash, 60, 100), // Brevo SMTP key
        new("CFPAT-", AlnumDashUnderscore, 40, 50), // Contentful personal access token
        new("NRII-", AlnumDashUnderscore, 32, 32), // New Relic insert key
        new("NRJS-", LowerHex, 19, 19), // New Relic browser key
        new("HRKU-", AlnumDashUnderscore, 36, 80), // Heroku
        new("pul-", LowerHex, 40, 40), // Pulumi
        new("csk-", Alnum, 40, 64), // Cerebras
        new("sq0atp-", AlnumDashUnderscore, 22, 22), // Square access token and OAuth secret
        new("sq0csp-", AlnumDashUnderscore, 43, 43),
        new("FLWSECK-", AlnumDash, 32, 40), // Flutterwave secret key
    ];

    // The prefixes of the forms found through their dash, with the dash.
    private static readonly string[] DashPrefixes = [.. Forms.Select(f => f.Prefix).Where(p => p[^1] == '-')];

    // The last letters before the dash of those prefixes: most hyphenated words end otherwise.
    private static readonly SearchValues<char> DashPrefixEnds = SearchValues.Create([.. DashPrefixes.Select(p => p[^2])]);

    /// <summary>Whether the dash at <paramref name="dash"/> may end a prefix of a form found through its dash: one character check.</summary>
    public static bool MayEndDashPrefix(ReadOnlySpan<char> text, int dash) => DashPrefixEnds.Contains(text[dash - 1]);

    /// <summary>Whether a word and the dash after it are the prefix of a form found through its dash.</summary>
    public static bool IsDashPrefix(ReadOnlySpan<char> wordAndDash)
    {
        foreach (string prefix in DashPrefixes)
        {
            if (prefix.Length == wordAndDash.Length && prefix[0] == wordAndDash[0] && wordAndDash.SequenceEqual(prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A Mailchimp API key: 32 lower-case hex digits, a dash and the data centre (<c>us21</c>); <paramref name="start"/> is
    /// the hex's first digit and <paramref name="dash"/> its dash.
    /// </summary>
    public static bool TryMailchimpKey(ReadOnlySpan<char> text, int start, int dash, out int end)
    {
        end = dash;
        if (dash - start != 32 || text[start..dash].ContainsAnyExcept(LowerHex) || dash + 3 >= text.Length || text[dash + 1] != 'u' || text[dash + 2] != 's')
        {
            return false;
        }

        int i = dash + 3;
        while (i < text.Length && i - dash - 3 < 2 && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == dash + 3 || (i < text.Length && char.IsAsciiLetterOrDigit(text[i])) || !LooksRandom(text[start..dash]))
        {
            return false;
        }

        end = i;
        return true;
    }

    /// <summary>
    /// Tries every form at <paramref name="at"/>, where the vectorised search found a possible prefix.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="at">The position of the prefix candidate.</param>
    /// <param name="start">The start of the secret found.</param>
    /// <param name="end">The end of the secret found.</param>
    /// <param name="confidence">How sure the form is.</param>
    /// <returns>Whether a secret starts (or, for Azure AD secrets, sits) at <paramref name="at"/>.</returns>
    public static bool TryMatch(ReadOnlySpan<char> text, int at, out int start, out int end, out double confidence)
    {
        ReadOnlySpan<char> rest = text[at..];
        start = at;
        end = at;
        confidence = 0.95;

        if (rest.StartsWith("eyJ", StringComparison.Ordinal))
        {
            // Mapbox secret tokens: "sk." and a JWT's payload and signature, two parts where a JWT has three.
            if (at >= 3 && text[(at - 3)..at].SequenceEqual("sk.") && TryMapbox(text, at - 3, out end))
            {
                start = at - 3;
                return true;
            }

            return TryJwt(text, at, out end);
        }

        if (rest.StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal))
        {
            // age's X25519 identity: Bech32, 58 upper-case characters after its prefix.
            int length = rest[16..].IndexOfAnyExcept(UpperDigits);
            length = length < 0 ? rest.Length - 16 : length;
            end = at + 16 + length;
            return length == 58;
        }

        if (rest.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            confidence = 0.99;
            return SecretPem.TryMatch(text, at, out end);
        }

        if (rest.StartsWith("SG.", StringComparison.Ordinal))
        {
            return TrySendGrid(text, at, out end);
        }

        if (rest.Length > 2 && char.IsAsciiDigit(rest[0]) && rest[1..].StartsWith("Q~", StringComparison.Ordinal))
        {
            return TryAzureAdSecret(text, at + 1, out start, out end);
        }

        if (rest.StartsWith("hooks.slack.com/", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("discord.com/api/webhooks/", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("discordapp.com/api/webhooks/", StringComparison.OrdinalIgnoreCase))
        {
            return TryWebhook(text, at, out start, out end);
        }

        if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '-'))
        {
            return false;
        }

        foreach (Form form in Forms)
        {
            if (rest.StartsWith(form.Prefix, StringComparison.Ordinal))
            {
                ReadOnlySpan<char> tail = rest[form.Prefix.Length..];
                int length = tail.IndexOfAnyExcept(form.Body);
                length = length < 0 ? tail.Length : length;

                // A dash-joined form (Slack) can end in a dash that is sentence punctuation.
                while (form.Body == AlnumDash && length > 0 && tail[length - 1] == '-')
                {
                    length--;
                }

                ReadOnlySpan<char> body = tail[..length];
                if (length < form.Min || length > form.Max || !LooksRandom(body) || FollowedByMask(tail, length))
                {
                    return false;
                }

                if (form.Prefix[0] == 'x' && body.IndexOfAnyInRange('0', '9') < 0)
                {
                    // Slack tokens always carry numeric team/user ids; "xoxb-my-bot-token" is a name.
                    return false;
                }

                end = at + form.Prefix.Length + length;
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether <paramref name="token"/> (a match of <see cref="TryMatch"/>) is an AWS access key id.</summary>
    public static bool IsAwsKeyId(ReadOnlySpan<char> token) =>
        token.Length == 20 && (token.StartsWith("AKIA", StringComparison.Ordinal) || token.StartsWith("ASIA", StringComparison.Ordinal)
            || token.StartsWith("ABIA", StringComparison.Ordinal) || token.StartsWith("ACCA", StringComparison.Ordinal));

    /// <summary>
    /// Finds an AWS secret access key (40 base64 characters) shortly after an access key id, as the two are pasted together.
    /// </summary>
    public static bool TryAwsSecretAfterId(ReadOnlySpan<char> text, int from, out int start, out int end)
    {
        int limit = Math.Min(text.Length, from + 160);
        int i = from;
        while (i < limit)
        {
            int skip = text[i..limit].IndexOfAny(Base64Chars);
            if (skip < 0)
            {
                break;
            }

            int s = i + skip;
            int run = text[s..].IndexOfAnyExcept(Base64Chars);
            int e = run < 0 ? text.Length : s + run;
            if (e - s == 40 && SecretValueShape.HasLetterAndDigit(text[s..e]) && SecretValueShape.Entropy(text[s..e]) >= 3.8)
            {
                start = s;
                end = e;
                return true;
            }

            i = e + 1;
        }

        start = end = -1;
        return false;
    }

    private static bool TryMapbox(ReadOnlySpan<char> text, int at, out int end)
    {
        end = at;
        if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '-' or '.'))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text[(at + 3)..];
        int length = rest.IndexOfAnyExcept(Base64Url);
        length = length < 0 ? rest.Length : length;
        ReadOnlySpan<char> token = rest[..length].TrimEnd('.');
        int dot = token.IndexOf('.');
        if (dot < 20 || token.Count('.') != 1 || token.Length - dot - 1 < 20)
        {
            return false;
        }

        end = at + 3 + token.Length;
        return true;
    }

    private static bool TryJwt(ReadOnlySpan<char> text, int at, out int end)
    {
        end = at;
        if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '-'))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text[at..];
        int length = rest.IndexOfAnyExcept(Base64Url);
        length = length < 0 ? rest.Length : length;
        ReadOnlySpan<char> token = rest[..length];

        // header.payload.signature, or five parts for JWE; the signature is empty for alg "none". A trailing dot beyond
        // the expected count is the sentence's.
        int dots = token.Count('.');
        if (dots is 3 or 5 && token[^1] == '.')
        {
            token = token[..^1];
            dots--;
        }

        if (dots is not (2 or 4))
        {
            return false;
        }

        int firstDot = token.IndexOf('.');
        ReadOnlySpan<char> payload = token[(firstDot + 1)..];
        int secondDot = payload.IndexOf('.');
        if (firstDot < 10 || secondDot < 10 || !payload.StartsWith("ey", StringComparison.Ordinal))
        {
            return false;
        }

        end = at + token.Length;
        return true;
    }

    private static bool TrySendGrid(ReadOnlySpan<char> text, int at, out int end)
    {
        end = at;
        if (at > 0 && char.IsAsciiLetterOrDigit(text[at - 1]))
        {
            return false;
        }

        // SG.<22 id>.<43 secret>; both parts are base64url.
        ReadOnlySpan<char> body = text[(at + 3)..];
        int length = body.IndexOfAnyExcept(SendGridBody);
        length = length < 0 ? body.Length : length;
        while (length > 0 && body[length - 1] == '.')
        {
            length--;
        }

        body = body[..length];
        int dot = body.IndexOf('.');
        if (dot < 16 || dot > 32 || body.Count('.') != 1 || length - dot - 1 < 30 || length - dot - 1 > 50 || !LooksRandom(body))
        {
            return false;
        }

        end = at + 3 + length;
        return true;
    }

    // Azure AD client secrets: three characters, a digit, "Q~", then 31 to 34 more; the search stops at the digit and
    // this is given the position of "Q~".
    private static bool TryAzureAdSecret(ReadOnlySpan<char> text, int at, out int start, out int end)
    {
        start = at - 4;
        end = at;
        if (start < 0 || !char.IsAsciiDigit(text[at - 1]) || text[start..(at - 1)].ContainsAnyExcept(AzureSecretBody)
            || (start > 0 && AzureSecretBody.Contains(text[start - 1])))
        {
            return false;
        }

        ReadOnlySpan<char> tail = text[(at + 2)..];
        int length = tail.IndexOfAnyExcept(AzureSecretBody);
        length = length < 0 ? tail.Length : length;
        while (length > 0 && tail[length - 1] is '.' or '-')
        {
            length--;
        }

        if (length is < 31 or > 34 || !LooksRandom(tail[..length]))
        {
            return false;
        }

        end = at + 2 + length;
        return true;
    }

    // The whole URL is the credential: anyone holding it can post to the channel.
    private static bool TryWebhook(ReadOnlySpan<char> text, int at, out int start, out int end)
    {
        start = at;
        end = at;
        if (text[..at].EndsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            start = at - 8;
        }
        else if (text[..at].EndsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            start = at - 7;
        }
        else if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '.' or '-'))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text[at..];
        int slash = rest.IndexOf('/');
        if (rest.StartsWith("discord", StringComparison.OrdinalIgnoreCase))
        {
            slash = rest.IndexOf("/webhooks/", StringComparison.OrdinalIgnoreCase) + "/webhooks".Length;
        }

        ReadOnlySpan<char> path = rest[(slash + 1)..];
        int length = path.IndexOfAnyExcept(WebhookPath);
        length = length < 0 ? path.Length : length;
        if (length < 30 || path[..length].IndexOfAnyInRange('0', '9') < 0)
        {
            return false;
        }

        end = at + slash + 1 + length;
        return true;
    }

    // Masks ("xxxx…", "0000…") and runs of one character are documentation, not keys.
    private static bool LooksRandom(ReadOnlySpan<char> body) =>
        !SecretValueShape.IsStandIn(body) && SecretValueShape.DistinctChars(body, 8) >= Math.Min(8, body.Length / 2);

    // "xoxp-5723…-####" and "ghp_ab12****" are masked tokens.
    private static bool FollowedByMask(ReadOnlySpan<char> tail, int length) =>
        length < tail.Length && tail[length] is '#' or '*' or '<' or '{' or '$' or '%';

    private readonly record struct Form(string Prefix, SearchValues<char> Body, int Min, int Max);
}

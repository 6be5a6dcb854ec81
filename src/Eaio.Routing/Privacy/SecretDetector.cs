using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Finds secrets: vendor keys and tokens by their form (OpenAI, Anthropic, Google, GitHub, GitLab, AWS, Slack, Stripe,
/// SendGrid, Hugging Face and others), JSON Web Tokens, PEM private key blocks, Slack and Discord webhook URLs, Azure AD
/// client secrets, bearer and basic credentials, and values behind a secret label: passwords (<c>password: …</c>,
/// <c>the password for the BMS is …</c>, <c>Passwort: …</c>, <c>mot de passe …</c>), connection-string and URL
/// passwords, <c>api_key = "…"</c>, <c>AccountKey=…</c>, SAS <c>sig=…</c>, and a high-entropy token next to such a keyword.
/// </summary>
/// <remarks>
/// <para>
/// Only the secret itself is reported (not the <c>Bearer</c> or <c>Password=</c> label), so a pseudonymiser keeps the
/// surrounding text readable; a PEM block and a webhook URL are reported whole. Placeholders (<c>SECRET_1</c>),
/// redactions (<c>[REDACTED_SECRET]</c>), template variables and masks are never reported. Made-up short forms such as
/// <c>KEY-1234</c> are not reported; hosts add a <see cref="PatternDetector"/> for their own formats.
/// </para>
/// <para>
/// One vectorised search finds every prefix and keyword; the rules run only where it stops, and the search resumes past
/// whatever was reported, so the spans of this detector never overlap.
/// </para>
/// </remarks>
public sealed class SecretDetector : ISensitiveDataDetector
{
    // Searched ignoring case: the keywords are matched so, and the case-sensitive vendor prefixes are checked again at
    // each stop. Every rule's match starts at (or, for Azure AD secrets and webhook URLs, just before) one of these.
    private static readonly SearchValues<string> Anchors = SearchValues.Create(
        [
            "sk-", "sk_", "rk_", "whsec_", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-",
            "AKIA", "ASIA", "ABIA", "ACCA", "hf_", "api_org_", "npm_", "pypi-", "dop_v1_", "doo_v1_", "dor_v1_", "shp",
            "gsk_", "xai-", "pplx-", "r8_", "dapi", "xox", "xapp-", "SG.", "eyJ", "-----BEGIN", "Q~", "hooks.slack.com/",
            "discord", "://", "pass", "pw", "secret", "token", "key", "cred", "auth", "sig=", "signature", "bearer",
            "basic", "kennwort", "wachtwoord", "contrase", "senha", "clave",
        ],
        StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        int position = 0;
        while (position < text.Length)
        {
            int found = text[position..].IndexOfAny(Anchors);
            if (found < 0)
            {
                break;
            }

            int at = position + found;
            if (SecretTokenForms.TryMatch(text, at, out int start, out int end, out double confidence))
            {
                spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Secret, confidence));
                position = end;

                // An AWS access key id is usually pasted with its secret access key right after it.
                if (SecretTokenForms.IsAwsKeyId(text[start..end])
                    && SecretTokenForms.TryAwsSecretAfterId(text, end, out int secretStart, out int secretEnd))
                {
                    spans.Add(new SensitiveSpan(secretStart, secretEnd - secretStart, EntityTypes.Secret, 0.85));
                    position = secretEnd;
                }

                continue;
            }

            position = Math.Max(at + 1, SecretLabels.TryAt(text, at, spans));
        }
    }
}

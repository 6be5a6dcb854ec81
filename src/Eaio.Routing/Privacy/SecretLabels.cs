using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Secrets found by their label: <c>password: …</c>, <c>the password for the BMS is …</c>, <c>api_key = "…"</c>,
/// <c>AccountKey=…</c>, <c>Authorization: Basic …</c>, <c>Bearer …</c>, <c>sig=…</c> and the password of a URL, plus a
/// machine-made (high-entropy) token a few words after a keyword.
/// </summary>
/// <remarks>
/// <para>
/// A label is the identifier around a keyword (<c>aws_secret_access_key</c>, <c>X-Api-Key</c>, <c>Passwort</c>), split
/// into words at <c>_ - .</c> and camel case; its last word decides what it labels, so <c>key_name</c>,
/// <c>password_policy</c> and <c>primaryKey</c> label nothing secret. After the label comes a separator (<c>=</c>,
/// <c>:</c>, a CLI flag's space) or a phrase (<c>is</c>, <c>ist</c>, <c>lautet</c>, <c>est</c>, optionally after a
/// qualifier such as <c>for the BMS</c>), then the value.
/// </para>
/// <para>
/// What decides is the value's shape, because prose reuses every label: a password after a phrase must hold a digit or
/// a symbol ("the password is stored in a vault" gives nothing), a letters-only password must follow <c>=</c> or
/// <c>:</c> and end its clause ("password: see the runbook" gives nothing), and a key or token must look machine-made.
/// </para>
/// </remarks>
internal static class SecretLabels
{
    private static readonly SearchValues<char> Base64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    // RFC 6750 b64token.
    private static readonly SearchValues<char> BearerChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    // Where an unquoted value ends: connection strings end it at ';', query strings at '&', prose at ',' or a bracket.
    private static readonly SearchValues<char> ValueStops = SearchValues.Create(" \t\r\n\"'`;,&<>()[]{}|");

    private static readonly SearchValues<char> Blanks = SearchValues.Create(" \t\r\n");

    private static readonly SearchValues<char> AuthorityStops = SearchValues.Create(" \t\r\n/@");

    private static readonly SearchValues<char> SentencePunctuation = SearchValues.Create(".,;!?=\"'");

    private static readonly SearchValues<char> NumberChars = SearchValues.Create("0123456789.,:/-");

    private static readonly SearchValues<char> WordLetters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");

    // Where a token in a keyword's neighbourhood ends.
    private static readonly SearchValues<char> TokenStops = SearchValues.Create(" \t\r\n\"'`;,&<>()[]{}|:*");

    private static readonly string[] PasswordWords =
    [
        "password", "passwd", "pwd", "passphrase", "passcode", "passwort", "kennwort", "wachtwoord", "contraseña",
        "contrasena", "senha", "motdepasse", "pass", "pw", "clave", "mdp",
    ];

    // Labels so specific that a value may follow without '=' or ':' ("passwd Hunter2x").
    private const int StrongPasswordWords = 12;

    private static readonly string[] SecretWords =
    [
        "secret", "token", "apikey", "credential", "credentials", "creds", "cred", "secretkey", "accesskey", "privatekey",
        "accountkey", "apitoken", "authtoken", "accesstoken", "key", "auth", "sig", "signature",
    ];

    // Labels that alone say little ("Key: …"), so their value must be long.
    private const int WeakSecretWords = 4;

    // Words before "key"/"token" that make it an identifier, not a credential.
    private static readonly string[] NotSecretQualifiers =
    [
        "public", "pub", "primary", "foreign", "sort", "partition", "row", "hash", "bucket", "schema", "sequence", "idx",
        "index", "unique", "composite", "natural", "surrogate", "csrf", "xsrf", "next", "page", "continuation",
        "cancellation", "sync", "lookup", "cache", "registry", "license", "product", "activation", "meter", "building",
    ];

    private static readonly string[] PhraseVerbs = ["is", "was", "ist", "war", "lautet", "est", "es", "era", "è", "equals"];

    private static readonly string[] Qualifiers =
    [
        "for", "of", "on", "to", "at", "in", "from", "für", "fuer", "pour", "de", "du", "del", "da", "van", "voor", "zum",
        "zur", "des", "der", "den", "dem",
    ];

    private static readonly string[] Fillers = ["now", "still", "currently", "actually", "just", "simply", "jetzt", "nun", "maintenant", "ahora"];

    private static readonly string[] ChangeVerbs = ["set", "changed", "reset", "updated", "geändert", "gesetzt"];

    private static readonly string[] AuthSchemes = ["token", "apikey", "api-key", "key", "ssws", "sharedkey", "genieKey", "splunk"];

    private enum LabelKind
    {
        None,
        Password,
        Secret,
        Authorization,
    }

    private enum Separator
    {
        None,
        Strong,
        Phrase,
    }

    /// <summary>Tries the label rules at a keyword found at <paramref name="at"/>.</summary>
    /// <returns>Where the search resumes: past the value reported, else past the label.</returns>
    public static int TryAt(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        ReadOnlySpan<char> rest = text[at..];
        if (rest.StartsWith("://", StringComparison.Ordinal))
        {
            // A webhook URL is a credential whole; any other URL may hold a password.
            if (SecretTokenForms.TryMatch(text, at + 3, out int start, out int end, out double confidence))
            {
                spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Secret, confidence));
                return end;
            }

            return UrlPassword(text, at, spans);
        }

        if (rest.StartsWith("bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Bearer(text, at, spans);
        }

        if (rest.StartsWith("basic", StringComparison.OrdinalIgnoreCase))
        {
            return Basic(text, at, spans);
        }

        return Label(text, at, spans);
    }

    /// <summary>
    /// Returns whether a value a command gives in a password's place (<c>-pS3cret</c>, <c>IDENTIFIED BY 'S3cret'</c>) is
    /// a password rather than a stand-in, a variable or a number.
    /// </summary>
    public static bool IsPasswordValue(ReadOnlySpan<char> value, bool quoted) =>
        !value.IsEmpty && value[0] != '-' && value[0] != '%' && AcceptPassword(value, quoted, Separator.Strong, final: true, strongLabel: true);

    /// <summary>
    /// Reads "user / password" after a login or credentials label that ends at <paramref name="labelEnd"/>
    /// (<c>login is admin / S3cret!</c>, <c>credentials: svc_bms:S3cret</c>) and reports the password.
    /// </summary>
    /// <returns>Where the search resumes.</returns>
    public static int UserPasswordPair(ReadOnlySpan<char> text, int labelEnd, int lineEnd, ICollection<SensitiveSpan> spans, int resume)
    {
        Separator separator = ParseSeparator(text, labelEnd, cliFlag: false, out int i);
        if (separator == Separator.None || i >= lineEnd)
        {
            return resume;
        }

        // The user: a name, an e-mail address or DOMAIN\user, then '/' or ':' with or without blanks around it.
        int userStart = i;
        while (i < lineEnd && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.' or '@' or '\\'))
        {
            i++;
        }

        // An AWS key id and its secret ("creds: AKIA… / wJal…") are the form rules'.
        if (i == userStart || i - userStart > 64 || SecretTokenForms.TryMatch(text, userStart, out _, out _, out _))
        {
            return resume;
        }

        int j = SkipBlanks(text, i);
        if (j >= lineEnd || text[j] is not ('/' or ':') || (j + 1 < text.Length && text[j + 1] == '/'))
        {
            return resume;
        }

        int start = SkipBlanks(text, j + 1);
        int run = text[start..lineEnd].IndexOfAny(Blanks);
        int end = run < 0 ? lineEnd : start + run;
        bool quoted = false;
        if (end - start >= 2 && text[start] is '"' or '\'' or '`' && text[end - 1] == text[start])
        {
            start++;
            end--;
            quoted = true;
        }

        while (!quoted && end > start && text[end - 1] is '.' or ',' or ';' or ')' or '!' or '?' && end - start > 1
            && !(text[end - 1] == '!' && end == lineEnd))
        {
            end--;
        }

        // A password after a user name must hold more than letters: "login is SSO / LDAP" names two systems.
        // "Login: admin / Password: …" names the next label, not a value.
        ReadOnlySpan<char> value = text[start..end];
        if (value.IsEmpty || value[^1] is ':' or '=' || Classify(text, start, end, out _, out _) != LabelKind.None)
        {
            return resume;
        }

        bool lettersOnly = !value.ContainsAnyExcept(WordLetters);
        if ((lettersOnly && !quoted) || !AcceptPassword(value, quoted, Separator.Strong, final: true, strongLabel: true))
        {
            return resume;
        }

        spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Secret, 0.85));
        return Math.Max(resume, end);
    }

    private static int Label(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int s = at;
        while (s > 0 && at - s < 80 && IsLabelChar(text[s - 1]))
        {
            s--;
        }

        int e = at;
        while (e < text.Length && e - s < 80 && IsLabelChar(text[e]))
        {
            e++;
        }

        int resume = e;
        while (e > s && text[e - 1] is '.' or '-')
        {
            e--;
        }

        bool cliFlag = false;
        while (s < e && text[s] is '-' or '.')
        {
            cliFlag |= text[s] == '-';
            s++;
        }

        if (e - s < 2 || e - s >= 80)
        {
            return resume;
        }

        LabelKind kind = Classify(text, s, e, out bool weak, out bool strongPassword);
        if (kind == LabelKind.None)
        {
            return resume;
        }

        Separator separator = ParseSeparator(text, e, cliFlag, out int valueStart);
        if (kind == LabelKind.Authorization)
        {
            if (separator != Separator.Strong)
            {
                return resume;
            }

            // "Authorization: Bearer …" is left to the bearer rule, which the search reaches next.
            if (valueStart < text.Length && text[valueStart] is '"' or '\'')
            {
                valueStart++;
            }

            ReadOnlySpan<char> scheme = NextWord(text, valueStart);
            if (scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            {
                return resume;
            }

            if (scheme.Equals("basic", StringComparison.OrdinalIgnoreCase))
            {
                return Math.Max(resume, Basic(text, valueStart, spans));
            }

            if (IsOneOf(scheme, AuthSchemes) && valueStart + scheme.Length < text.Length && text[valueStart + scheme.Length] == ' ')
            {
                valueStart = SkipBlanks(text, valueStart + scheme.Length);
            }

            kind = LabelKind.Secret;
        }

        if (kind == LabelKind.Secret && IsCredentialsWord(text[s..e]) && separator != Separator.None)
        {
            int lineEnd = text[e..].IndexOfAny('\n', '\r');
            int pair = UserPasswordPair(text, e, lineEnd < 0 ? text.Length : e + lineEnd, spans, resume);
            if (pair > resume)
            {
                return pair;
            }
        }

        bool hashContext = SecretValueShape.HasHashWord(text[Math.Max(0, s - 48)..s]);
        if (TryValue(text, valueStart, out int vStart, out int vEnd, out bool quoted, out bool final))
        {
            // A vendor form behind the label is left to the form rules, which the search reaches next and which know
            // what comes with it (an AWS key id's secret key).
            if (!quoted && SecretTokenForms.TryMatch(text, vStart, out _, out _, out _))
            {
                return vStart;
            }

            ReadOnlySpan<char> value = text[vStart..vEnd];
            if (!quoted && IsCmdlet(value))
            {
                // "$pw = ConvertTo-SecureString '…' -AsPlainText": the value is code; SecretCommands reads its argument.
                return vStart;
            }

            bool accepted = kind == LabelKind.Password
                ? AcceptPassword(value, quoted, separator, final, strongPassword)
                : separator != Separator.None && AcceptSecret(value, separator, weak, hashContext);
            if (accepted)
            {
                spans.Add(new SensitiveSpan(vStart, vEnd - vStart, EntityTypes.Secret, kind == LabelKind.Password ? 0.85 : 0.8));
                return vEnd;
            }
        }

        return Nearby(text, s, e, spans, resume);
    }

    // A machine-made token a few words after the keyword: "the AWS secret access key for prod is wJalrXUtnFEMI/K7MDENG/…".
    private static int Nearby(ReadOnlySpan<char> text, int labelStart, int labelEnd, ICollection<SensitiveSpan> spans, int resume)
    {
        // The window ends at the line's end, and before a PEM armour line, which is its own rule's.
        int limit = Math.Min(text.Length, labelEnd + 100);
        int newline = text[labelEnd..limit].IndexOfAny('\n', '\r');
        if (newline >= 0)
        {
            limit = labelEnd + newline;
        }

        int armour = text[labelEnd..limit].IndexOf("-----", StringComparison.Ordinal);
        if (armour >= 0)
        {
            limit = labelEnd + armour;
        }

        int i = labelEnd;
        while (i < limit)
        {
            int skip = text[i..limit].IndexOfAnyExcept(TokenStops);
            if (skip < 0)
            {
                break;
            }

            int start = i + skip;
            int run = text[start..].IndexOfAny(TokenStops);
            int end = run < 0 ? text.Length : start + run;
            int trimmed = end;
            while (trimmed > start && text[trimmed - 1] is '.' or '?' or '!')
            {
                trimmed--;
            }

            ReadOnlySpan<char> token = text[start..trimmed];
            if (token.Length >= 20 && !IsPublicSshKey(token)
                && SecretValueShape.IsHighEntropyToken(token, SecretValueShape.HasHashWord(text[Math.Max(0, labelStart - 48)..start])))
            {
                spans.Add(new SensitiveSpan(start, token.Length, EntityTypes.Secret, 0.7));
                return trimmed;
            }

            i = end;
        }

        return resume;
    }

    private static readonly string[] CmdletVerbs = ["ConvertTo-", "ConvertFrom-", "Read-", "Get-", "New-", "Import-", "Invoke-"];

    private static bool IsCmdlet(ReadOnlySpan<char> value)
    {
        foreach (string verb in CmdletVerbs)
        {
            if (value.StartsWith(verb, StringComparison.Ordinal) && value.Length > verb.Length && char.IsAsciiLetterUpper(value[verb.Length]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCredentialsWord(ReadOnlySpan<char> label) =>
        label.EndsWith("credentials", StringComparison.OrdinalIgnoreCase) || label.EndsWith("creds", StringComparison.OrdinalIgnoreCase)
        || label.EndsWith("cred", StringComparison.OrdinalIgnoreCase);

    private static bool IsPublicSshKey(ReadOnlySpan<char> token) =>
        token.StartsWith("AAAAB3NzaC1", StringComparison.Ordinal) || token.StartsWith("AAAAC3NzaC1", StringComparison.Ordinal)
        || token.StartsWith("AAAAE2VjZHNh", StringComparison.Ordinal);

    private static LabelKind Classify(ReadOnlySpan<char> text, int s, int e, out bool weak, out bool strongPassword)
    {
        weak = false;
        strongPassword = false;
        ReadOnlySpan<char> label = text[s..e];
        Span<Range> words = stackalloc Range[16];
        int count = SplitWords(label, words);
        if (count == 0)
        {
            return LabelKind.None;
        }

        ReadOnlySpan<char> last = label[words[count - 1]];
        ReadOnlySpan<char> previous = count > 1 ? label[words[count - 2]] : PreviousWord(text, s);

        if (last.Equals("authorization", StringComparison.OrdinalIgnoreCase))
        {
            return LabelKind.Authorization;
        }

        int password = IndexOf(last, PasswordWords);
        if (password < 0 && last.Equals("passe", StringComparison.OrdinalIgnoreCase)
            && text[..s].TrimEnd().EndsWith("mot de", StringComparison.OrdinalIgnoreCase))
        {
            password = 0;
        }

        // An environment variable or setting written as one word: PGPASSWORD, DBPASSWORD, ADMINPASSWD.
        if (password < 0 && last.Length > 8 && (last.EndsWith("password", StringComparison.OrdinalIgnoreCase)
            || last.EndsWith("passwd", StringComparison.OrdinalIgnoreCase)))
        {
            password = 0;
        }

        if (password >= 0)
        {
            strongPassword = password < StrongPasswordWords;
            return LabelKind.Password;
        }

        // "private_key_id", "secretKeyId": the id of a private or secret key names that key, and a service-account file
        // that carries one carries the key too; an access key id of a vendor form is left to the form rules.
        if (last.Equals("id", StringComparison.OrdinalIgnoreCase) && count >= 3
            && label[words[count - 2]].Equals("key", StringComparison.OrdinalIgnoreCase)
            && (label[words[count - 3]].Equals("private", StringComparison.OrdinalIgnoreCase)
                || label[words[count - 3]].Equals("secret", StringComparison.OrdinalIgnoreCase)))
        {
            return LabelKind.Secret;
        }

        int secret = IndexOf(last, SecretWords);
        if (secret < 0 || IsOneOf(previous, NotSecretQualifiers))
        {
            return LabelKind.None;
        }

        weak = count == 1 && secret >= SecretWords.Length - WeakSecretWords;
        return LabelKind.Secret;
    }

    // Splits at '_', '-', '.' and camel-case humps ("AccountKey", "APIKey", "xApiKey").
    private static int SplitWords(ReadOnlySpan<char> label, Span<Range> words)
    {
        int count = 0;
        int start = 0;
        for (int i = 0; i <= label.Length; i++)
        {
            bool boundary = i == label.Length || label[i] is '_' or '-' or '.';
            bool hump = !boundary && i > start
                && ((char.IsLower(label[i - 1]) || char.IsAsciiDigit(label[i - 1])) && char.IsUpper(label[i])
                    || (char.IsUpper(label[i - 1]) && char.IsUpper(label[i]) && i + 1 < label.Length && char.IsLower(label[i + 1])));
            if (boundary || hump)
            {
                if (i > start)
                {
                    if (count == words.Length)
                    {
                        words[..^1].CopyTo(words);
                        count--;
                    }

                    words[count++] = new Range(start, i);
                }

                start = boundary ? i + 1 : i;
            }
        }

        return count;
    }

    private static Separator ParseSeparator(ReadOnlySpan<char> text, int e, bool cliFlag, out int valueStart)
    {
        int j = e;

        // The closing quote or bracket of a quoted key: "api_key": …, ['password'] = …
        while (j < text.Length && text[j] is '"' or '\'' or '`' or ']')
        {
            j++;
        }

        int afterKey = j;
        j = SkipBlanks(text, j);
        valueStart = j;
        if (j < text.Length)
        {
            if (text[j] == '=' && !(j + 1 < text.Length && text[j + 1] == '='))
            {
                j++;
                if (j < text.Length && text[j] == '>')
                {
                    j++;
                }

                valueStart = SkipBlanks(text, j);
                return Separator.Strong;
            }

            if (text[j] == ':' && !text[j..].StartsWith("://", StringComparison.Ordinal))
            {
                j++;
                if (j < text.Length && text[j] == '=')
                {
                    j++;
                }

                valueStart = SkipBlanks(text, j);
                return Separator.Strong;
            }
        }

        if (cliFlag && j > afterKey)
        {
            return Separator.Strong;
        }

        // XML settings: <add key="SmtpPassword" value="…" /> (.NET, Java) and <password>…</password>.
        if (afterKey > e && text[j..].StartsWith("value=", StringComparison.OrdinalIgnoreCase))
        {
            valueStart = SkipBlanks(text, j + 6);
            return Separator.Strong;
        }

        if (j == e && j < text.Length && text[j] == '>')
        {
            valueStart = j + 1;
            return Separator.Strong;
        }

        // A phrase: "[for the BMS] is [now] [set to] value", up to six words after the label.
        int k = j;
        for (int words = 0; words < 7 && k < text.Length; words++)
        {
            ReadOnlySpan<char> word = NextWord(text, k);
            if (word.IsEmpty)
            {
                break;
            }

            bool colon = word[^1] == ':';
            ReadOnlySpan<char> bare = colon ? word[..^1] : word;
            int after = SkipBlanks(text, k + word.Length);
            if (IsOneOf(bare, PhraseVerbs))
            {
                valueStart = colon ? after : SkipFillers(text, after);
                return Separator.Phrase;
            }

            if (colon && words > 0)
            {
                valueStart = after;
                return Separator.Strong;
            }

            if ((words == 0 && !IsOneOf(bare, Qualifiers)) || bare.ContainsAny(SentencePunctuation))
            {
                break;
            }

            k = after;
        }

        return Separator.None;
    }

    private static int SkipFillers(ReadOnlySpan<char> text, int k)
    {
        ReadOnlySpan<char> word = NextWord(text, k);
        if (IsOneOf(word, Fillers))
        {
            k = SkipBlanks(text, k + word.Length);
            word = NextWord(text, k);
        }

        if (IsOneOf(word, ChangeVerbs))
        {
            int next = SkipBlanks(text, k + word.Length);
            ReadOnlySpan<char> to = NextWord(text, next);
            if (IsOneOf(to, ["to", "auf", "à", "a"]))
            {
                k = SkipBlanks(text, next + to.Length);
            }
        }

        if (k < text.Length && text[k] == ':')
        {
            k = SkipBlanks(text, k + 1);
        }

        return k;
    }

    private static bool TryValue(ReadOnlySpan<char> text, int at, out int start, out int end, out bool quoted, out bool final)
    {
        start = end = at;
        quoted = false;
        final = false;
        if (at >= text.Length)
        {
            return false;
        }

        char open = text[at];
        char close = open switch
        {
            '"' or '\'' or '`' => open,
            '“' => '”',
            '‘' => '’',
            '«' => '»',
            _ => '\0',
        };
        if (close != '\0')
        {
            ReadOnlySpan<char> inside = text[(at + 1)..Math.Min(text.Length, at + 258)];
            int closing = inside.IndexOfAny(close, '\n');
            if (closing <= 0 || inside[closing] != close)
            {
                return false;
            }

            start = at + 1;
            end = start + closing;
            quoted = true;
            final = true;
            return true;
        }

        int run = text[at..].IndexOfAny(ValueStops);
        int runEnd = run < 0 ? text.Length : at + run;

        // '&' ends a value only where a query string goes on ("pwd=x&user=y"); inside a password ("Xu&440") it is part of it.
        while (runEnd + 1 < text.Length && text[runEnd] == '&' && !StartsQueryParameter(text[(runEnd + 1)..]))
        {
            int more = text[(runEnd + 1)..].IndexOfAny(ValueStops);
            runEnd = more < 0 ? text.Length : runEnd + 1 + more;
        }

        end = runEnd;
        while (end > at && text[end - 1] is '.' or ':' or '?' or ')' or ']' or '}')
        {
            end--;
        }

        int next = SkipBlanks(text, runEnd);
        final = end < runEnd || next >= text.Length || text[next] is '\n' or '\r' or ',' or ';' or ')' or '"' or '\'';
        return end > at;
    }

    private static bool StartsQueryParameter(ReadOnlySpan<char> rest)
    {
        int i = 0;
        while (i < rest.Length && (char.IsAsciiLetterOrDigit(rest[i]) || rest[i] is '_' or '-' or '.'))
        {
            i++;
        }

        return i > 0 && i < rest.Length && rest[i] == '=';
    }

    private static bool AcceptPassword(ReadOnlySpan<char> value, bool quoted, Separator separator, bool final, bool strongLabel)
    {
        if (value.Length is < 3 or > 128 || SecretValueShape.IsStandIn(value) || SecretValueShape.IsStopValue(value.Trim())
            || SecretValueShape.DistinctChars(value, 3) < 3 || SecretValueShape.IsPathLike(value))
        {
            return false;
        }

        if (quoted)
        {
            // A quoted passphrase may hold spaces; "password 'x'" without a separator is too loose.
            return separator != Separator.None || !value.Contains(' ');
        }

        bool lettersOnly = true;
        foreach (char c in value)
        {
            lettersOnly &= char.IsLetter(c);
        }

        if (lettersOnly)
        {
            // A word after "password:" is a password only when nothing follows it: "password: see the runbook" is prose.
            return separator == Separator.Strong && final && value.Length >= 4;
        }

        bool hasLetter = value.IndexOfAnyInRange('a', 'z') >= 0 || value.IndexOfAnyInRange('A', 'Z') >= 0;
        if (!hasLetter && (value.Length < 4 || !value.ContainsAnyExcept(NumberChars)) && value.ContainsAnyExceptInRange('0', '9'))
        {
            // "4-20", "12.5", "2024-03-01": numbers, ranges and dates; a PIN of four or more digits stays a password.
            return false;
        }

        if (separator == Separator.None)
        {
            // "passwd Hunter2x": only a strong label, and a value that mixes letters and digits but is no "12-character".
            return strongLabel && value.Length >= 6 && SecretValueShape.HasLetterAndDigit(value) && !IsCountedWord(value);
        }

        return true;
    }

    private static bool AcceptSecret(ReadOnlySpan<char> value, Separator separator, bool weak, bool hashContext)
    {
        int min = weak ? 16 : separator == Separator.Phrase ? 12 : 8;
        if (value.Length < min || value.Length > 1024 || value.Contains(' ') || SecretValueShape.IsStandIn(value)
            || SecretValueShape.IsStopValue(value) || SecretValueShape.IsPathLike(value))
        {
            return false;
        }

        if (!SecretValueShape.HasLetterAndDigit(value))
        {
            // One random 24-character alphanumeric key in fifty has no digit; identifiers (CamelCase, snake_case,
            // BDG2 ids) have few capitals or a separator, random letters about half capitals.
            return separator == Separator.Strong && !weak && IsRandomLetters(value);
        }

        int at = value.IndexOf('@');
        if (at >= 0 && value[at..].Contains('.'))
        {
            return false; // an e-mail address, which the e-mail detector owns
        }

        if (SecretValueShape.IsUuid(value))
        {
            // A UUID is a credential only when assigned to a specific secret label ("api_token": "dafa7817-…").
            return !weak && separator == Separator.Strong;
        }

        if ((SecretValueShape.IsHex(value) && hashContext) || (value.Length < 24 && SecretValueShape.IsModelNumber(value)))
        {
            return false;
        }

        return value.Length >= 16
            ? SecretValueShape.Entropy(value) >= 3.0
            : SecretValueShape.DistinctChars(value, 8) >= Math.Min(8, (value.Length / 2) + 1);
    }

    private static bool IsRandomLetters(ReadOnlySpan<char> value)
    {
        if (value.Length < 20 || value.ContainsAnyExcept(WordLetters) || value.Contains('_'))
        {
            return false;
        }

        int upper = 0;
        foreach (char c in value)
        {
            upper += char.IsAsciiLetterUpper(c) ? 1 : 0;
        }

        return upper * 4 >= value.Length && upper * 4 <= value.Length * 3 && SecretValueShape.Entropy(value) >= 4.0;
    }

    // "12-character", "8-digit", "30-day": a count and a word, the way password rules are described.
    private static bool IsCountedWord(ReadOnlySpan<char> value)
    {
        int dash = value.IndexOf('-');
        return dash > 0 && !value[..dash].ContainsAnyExceptInRange('0', '9') && !value[(dash + 1)..].ContainsAnyExceptInRange('a', 'z');
    }

    private static int Bearer(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int resume = at + 6;
        if (at > 0 && char.IsLetter(text[at - 1]))
        {
            return resume;
        }

        int start = SkipBlanks(text, resume);
        if (start == resume)
        {
            return resume;
        }

        int run = text[start..].IndexOfAnyExcept(BearerChars);
        int end = run < 0 ? text.Length : start + run;
        while (end < text.Length && text[end] == '=')
        {
            end++;
        }

        while (end > start && text[end - 1] == '.')
        {
            end--;
        }

        ReadOnlySpan<char> token = text[start..end];
        if (token.Length < 16 || SecretValueShape.IsStandIn(token) || SecretValueShape.DistinctChars(token, 6) < 6
            || !token.ContainsAnyExcept(WordLetters))
        {
            return resume;
        }

        spans.Add(new SensitiveSpan(start, token.Length, EntityTypes.Secret, 0.9));
        return end;
    }

    // "Authorization: Basic <base64 of user:password>", reached from the header name. A token that is not close behind
    // an "auth" word must decode to user:password.
    private static int Basic(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int resume = at + 5;
        if ((at > 0 && char.IsLetter(text[at - 1])) || resume >= text.Length || text[resume] != ' ')
        {
            return resume;
        }

        int start = SkipBlanks(text, resume);
        int run = text[start..].IndexOfAnyExcept(Base64Chars);
        int end = run < 0 ? text.Length : start + run;
        int unpadded = end - start;
        while (end < text.Length && text[end] == '=' && end - start - unpadded < 2)
        {
            end++;
        }

        if (unpadded < 8 || (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-')))
        {
            return resume;
        }

        ReadOnlySpan<char> token = text[start..end];
        bool labelled = text[Math.Max(0, at - 24)..at].Contains("auth", StringComparison.OrdinalIgnoreCase);
        if (SecretValueShape.IsStandIn(token) || (!labelled && !DecodesToCredentials(token)))
        {
            return resume;
        }

        spans.Add(new SensitiveSpan(start, token.Length, EntityTypes.Secret, 0.9));
        return end;
    }

    private static bool DecodesToCredentials(ReadOnlySpan<char> token)
    {
        if (token.Length % 4 != 0 || token.Length > 1024)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[(token.Length / 4) * 3];
        if (!Convert.TryFromBase64Chars(token, decoded, out int written) || written < 3)
        {
            return false;
        }

        decoded = decoded[..written];
        return decoded.Contains((byte)':') && !decoded.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);
    }

    // scheme://user:password@host, as in "postgres://app:p4ss@db", and scheme://:password@host, Redis's form for a password
    // without a user; a port-like run of digits with no user is no password.
    private static int UrlPassword(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int resume = at + 3;
        if (at == 0 || !char.IsAsciiLetter(text[at - 1]))
        {
            return resume;
        }

        ReadOnlySpan<char> authority = text[resume..];
        int stop = authority.IndexOfAny(AuthorityStops);
        if (stop < 0 || authority[stop] != '@' || stop + 1 >= authority.Length || authority[stop + 1] is ' ' or '@' or '\n' or '\r' or '\t')
        {
            return resume;
        }

        int colon = authority[..stop].IndexOf(':');
        if (colon < 0 || colon == stop - 1 || (colon == 0 && !authority[1..stop].ContainsAnyExceptInRange('0', '9')))
        {
            return resume;
        }

        ReadOnlySpan<char> password = authority[(colon + 1)..stop];
        if (SecretValueShape.IsStandIn(password))
        {
            return resume + stop + 1;
        }

        spans.Add(new SensitiveSpan(resume + colon + 1, password.Length, EntityTypes.Secret, 0.9));
        return resume + stop + 1;
    }

    private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' || (c > 127 && char.IsLetter(c));

    private static int SkipBlanks(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static ReadOnlySpan<char> NextWord(ReadOnlySpan<char> text, int i)
    {
        if (i >= text.Length)
        {
            return [];
        }

        int end = text[i..].IndexOfAny(Blanks);
        return end < 0 ? text[i..] : text.Slice(i, end);
    }

    private static ReadOnlySpan<char> PreviousWord(ReadOnlySpan<char> text, int s)
    {
        ReadOnlySpan<char> before = text[..s].TrimEnd(" \t");
        int space = before.LastIndexOfAny(Blanks);
        return before[(space + 1)..];
    }

    private static int IndexOf(ReadOnlySpan<char> word, string[] words)
    {
        for (int i = 0; i < words.Length; i++)
        {
            if (word.Equals(words[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsOneOf(ReadOnlySpan<char> word, ReadOnlySpan<string> words)
    {
        foreach (string candidate in words)
        {
            if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

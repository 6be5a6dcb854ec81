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
/// Vectorised searches find every prefix and keyword; the rules run only where one stops, in text order, and the scan
/// resumes past whatever was reported, so the spans of this detector never overlap.
/// </para>
/// </remarks>
public sealed class SecretDetector : ISensitiveDataDetector
{
    // The anchors are split into small searches merged by position: one search over many multi-string values is ten
    // times slower than several small ones, because prose matches the values' leading trigrams ("con", "sen", "cre"),
    // and a non-ASCII value ("contraseña") loses vectorisation altogether. Labels in other languages that no search
    // finds (Kennwort, wachtwoord, contraseña) are still read when an '=' follows them; Passwort and mot de passe hold
    // "pass". Webhook URLs are found through their "://".
    // Four short values in one search cost 0.4 µs over 8 KB, where they cost 4 µs as four single-string IndexOf calls;
    // all fifteen in one cost 4 µs again (docs/benchmarks.md, issue 15).
    private static readonly SearchValues<string> Keywords =
        SearchValues.Create(["pass", "secret", "token", "key", "auth"], StringComparison.OrdinalIgnoreCase);

    // Vendor prefixes without an underscore (those with one are found through it), matched in their exact case, in two
    // searches: the upper-case ones and the others. All 23 in one search cost 1.7 µs over 8 KB of prose, the two 1.2 µs
    // together (measured): the string search compares the first three characters by buckets, and fewer strings a search
    // share fewer buckets with ordinary words.
    private static readonly SearchValues<string> UpperVendorPrefixes = SearchValues.Create(
        ["AIza", "AKIA", "ASIA", "ABIA", "ACCA", "ATATT3", "ATCTT3", "ATBB", "NRAK-", "PMAK-", "SG."],
        StringComparison.Ordinal);

    private static readonly SearchValues<string> OtherVendorPrefixes = SearchValues.Create(
        ["sk-", "glpat-", "pypi-", "xai-", "pplx-", "xox", "xapp-", "-----BEGIN", "eyJ", "dapi", "hvs.", "tskey-"],
        StringComparison.Ordinal);

    // '_' starts the search for underscore vendor forms (sk_live_, ghp_, hf_ …); '=' for labels only ever assigned
    // (pwd=, sig=, creds=); '~' for Azure AD secrets; '-' for the dash vendor forms a prefix search does not hold
    // (gldt-, GOCSPX-, xkeysib-) and command-line password flags (sqlcmd -P, ldapsearch -w: SecretFlags); '@' for
    // Oracle's user/password@db. Two more characters in one search cost about 0.25 µs per 8 KB of prose (measured),
    // where a search of their own cost 1 µs.
    private static readonly SearchValues<char> Marks = SearchValues.Create("_=~-@");

    // Password labels of other languages that hold no "pass" (Kennwort, wachtwoord, contraseña, senha, clave, mdp): their
    // ASCII stems are searched for, so the word is read whatever separator follows it.
    private static readonly string[] ForeignStems = ["kennw", "wachtw", "contrase", "senha", "clave", "mdp"];

    // Webhook URLs, bearer tokens, credentials and pw= labels.
    private static readonly SearchValues<string> OtherAnchors =
        SearchValues.Create(["://", "bearer", "cred", "pw"], StringComparison.OrdinalIgnoreCase);

    // Commands and statements that carry a password in their own syntax (SecretCommands): mysql -p…, curl -u user:…,
    // sshpass -p, IDENTIFIED BY '…', ConvertTo-SecureString "…", .pgpass lines, "login is admin / …"; and the foreign
    // stems. One search of both cost 0.8 µs over 8 KB of prose where a search of each cost 1.4 µs together (measured);
    // a hit is told apart by IsForeignStem.
    private static readonly SearchValues<string> CommandAnchorsAndForeignStems = SearchValues.Create(
        ["mysql", "mariadb", "curl", "lftp", "sshpass", "redis-cli", "identified", "securestring", "pgpass", "login", .. ForeignStems],
        StringComparison.OrdinalIgnoreCase);

    private const int StreamCount = 6;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        Span<int> next = stackalloc int[StreamCount];
        next.Fill(-1);
        int position = 0;

        // Where the search for marks resumes: past the rest of a word whose underscore started no vendor form, while the
        // keywords inside that word ("AWS_SECRET_ACCESS_KEY") are still found by their own search.
        int marksFrom = 0;
        int baseline = spans.Count;
        bool commandReported = false;
        while (position < text.Length)
        {
            int at = int.MaxValue;
            int stream = -1;
            for (int s = 0; s < StreamCount; s++)
            {
                if (next[s] != int.MaxValue && next[s] < position)
                {
                    int from = s == 1 ? Math.Min(text.Length, Math.Max(position, marksFrom)) : position;
                    int found = s == 1 ? IndexOfMark(text, from) : Find(s, text[from..]);
                    next[s] = found < 0 ? int.MaxValue : s == 1 ? found : from + found;
                }

                if (next[s] < at)
                {
                    at = next[s];
                    stream = s;
                }
            }

            if (stream < 0)
            {
                break;
            }

            position = Math.Max(at + 1, stream switch
            {
                1 => AtMark(text, at, spans, ref marksFrom),
                4 when !IsForeignStem(text[at..]) => AtCommand(text, at, spans, ref commandReported),
                _ => AtAnchor(text, at, spans),
            });
        }

        if (commandReported && spans is IList<SensitiveSpan> list)
        {
            RemoveLaterOverlaps(list, baseline);
        }
    }

    // A command's password is reported while the search goes on inside the command (a header's key before it, the
    // label "sshpass" holds): a later rule that finds the same value again is dropped, so the spans never overlap.
    private static void RemoveLaterOverlaps(IList<SensitiveSpan> list, int baseline)
    {
        for (int i = list.Count - 1; i > baseline; i--)
        {
            for (int j = baseline; j < i; j++)
            {
                if (list[j].Start < list[i].End && list[i].Start < list[j].End)
                {
                    list.RemoveAt(i);
                    break;
                }
            }
        }
    }

    private static int Find(int stream, ReadOnlySpan<char> text) => stream switch
    {
        0 => text.IndexOfAny(Keywords),
        2 => text.IndexOfAny(UpperVendorPrefixes),
        3 => text.IndexOfAny(OtherAnchors),
        4 => text.IndexOfAny(CommandAnchorsAndForeignStems),
        _ => text.IndexOfAny(OtherVendorPrefixes),
    };

    private static bool IsForeignStem(ReadOnlySpan<char> text)
    {
        foreach (string stem in ForeignStems)
        {
            if (text.StartsWith(stem, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // The marks search passes over the dashes no rule reads (dates, phone numbers, hyphenated words) itself: a return to
    // the loop that merges the searches cost several times the check (measured, 45 dashes per 8 KB of the benchmark). So
    // it does with the underscores that end no vendor prefix, such as those of this library's placeholders (EMAIL_1), one
    // per value in a masked payload. Positions are the whole text's, so a look back is never cut short.
    private static int IndexOfMark(ReadOnlySpan<char> text, int from)
    {
        int offset = from;
        while (true)
        {
            int found = text[offset..].IndexOfAny(Marks);
            if (found < 0)
            {
                return -1;
            }

            int at = offset + found;
            char mark = text[at];
            if (mark == '_' && !MayEndVendorPrefix(text, at))
            {
                offset = EndOfUnderscoreWord(text, at + 1);
                continue;
            }

            if (mark != '-' || MayStartDashForm(text, at))
            {
                return at;
            }

            // A run of digits and dashes ("2024-03-01", "415-555-0132") is passed whole.
            offset = at + 1;
            while (offset < text.Length && (char.IsAsciiDigit(text[offset]) || text[offset] == '-'))
            {
                offset++;
            }
        }
    }

    // Only a word's first underscore can end a vendor prefix, and every such prefix is at most eight lower-case letters
    // and digits after a word break.
    private static bool MayEndVendorPrefix(ReadOnlySpan<char> text, int at)
    {
        int prefixStart = PrefixStart(text, at);
        return prefixStart < at && at - prefixStart <= 8 && char.IsAsciiLetterLower(text[prefixStart])
            && (prefixStart == 0 || !(char.IsAsciiLetterOrDigit(text[prefixStart - 1]) || text[prefixStart - 1] is '_' or '-'));
    }

    private static int PrefixStart(ReadOnlySpan<char> text, int at)
    {
        int prefixStart = at;
        while (prefixStart > 0 && at - prefixStart <= 8 && char.IsAsciiLetterOrDigit(text[prefixStart - 1]))
        {
            prefixStart--;
        }

        return prefixStart;
    }

    // Where the marks search resumes after an underscore: past the rest of its word, while the keywords inside the word
    // ("AWS_SECRET_ACCESS_KEY") are still found by their own search.
    private static int EndOfUnderscoreWord(ReadOnlySpan<char> text, int from)
    {
        int end = from;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        return end;
    }

    // A flag after a blank, a PEM block, a vendor prefix, or a Mailchimp key's data centre: the few dashes AtDash reads.
    private static bool MayStartDashForm(ReadOnlySpan<char> text, int at)
    {
        if (at == 0 || at + 2 >= text.Length)
        {
            return at + 2 < text.Length;
        }

        char before = text[at - 1];
        char after = text[at + 1];
        return before is ' ' or '\t' ? char.IsAsciiLetter(after) || after == '-'
            : before is '\n' or '\r' ? after == '-'
            : char.IsAsciiLetterOrDigit(before) && (char.IsAsciiLetterOrDigit(after) || after is '-' or '_')
                && ((after == 'u' && text[at + 2] == 's') || before == 'E' || SecretTokenForms.MayEndDashPrefix(text, at));
    }

    private static int AtAnchor(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        if (SecretTokenForms.TryMatch(text, at, out int start, out int end, out double confidence))
        {
            return Report(text, start, end, confidence, spans);
        }

        // Brevo's xkeysib- holds the keyword "key", which would read it as a label before its dash is reached.
        if (at > 0 && text[at - 1] == 'x' && text[at..].StartsWith("keysib-", StringComparison.Ordinal)
            && SecretTokenForms.TryMatch(text, at - 1, out start, out end, out confidence))
        {
            return Report(text, start, end, confidence, spans);
        }

        return SecretLabels.TryAt(text, at, spans);
    }

    // A command whose own rule finds nothing may still hold a label ("sshpass" holds "pass", "PGPASSWORD=" is one):
    // the keyword search reaches those next.
    // The search resumes right after the anchor either way, so that a key or label inside the command line before the
    // password ("curl -H 'X-Api-Key: …' -u user:…") is still read.
    private static int AtCommand(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans, ref bool reported)
    {
        int before = spans.Count;
        SecretCommands.TryAt(text, at, spans);
        reported |= spans.Count > before;
        return at + 1;
    }

    private static int AtMark(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans, ref int marksFrom)
    {
        char mark = text[at];
        if (mark == '-')
        {
            return AtDash(text, at, spans);
        }

        if (mark == '@')
        {
            return SecretFlags.TryOracleLogin(text, at, spans);
        }

        if (mark == '~')
        {
            return at >= 2 && text[at - 1] == 'Q' && SecretTokenForms.TryMatch(text, at - 2, out int s, out int e, out double c)
                ? Report(text, s, e, c, spans)
                : at + 1;
        }

        // The word the mark ends or sits in: "ghp_…" (the form starts there) or "Pwd =" (the label).
        int wordEnd = at;
        while (mark == '=' && wordEnd > 0 && text[wordEnd - 1] is ' ' or '\t' or '"' or '\'')
        {
            wordEnd--;
        }

        if (mark == '_')
        {
            // The marks search brings only underscores that may end a vendor prefix (MayEndVendorPrefix); it skips the
            // rest of the word, so a BDG2 id such as Panther_office_Hannah costs one look.
            if (SecretTokenForms.TryMatch(text, PrefixStart(text, at), out int s, out int e, out double c))
            {
                return Report(text, s, e, c, spans);
            }

            marksFrom = EndOfUnderscoreWord(text, at + 1);
            return at + 1;
        }

        int wordStart = wordEnd;
        while (wordStart > 0 && wordEnd - wordStart < 24 && (char.IsLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] is '_' or '-' or '.'))
        {
            wordStart--;
        }

        // '=': labels with a keyword of the first search were handled there already.
        ReadOnlySpan<char> word = text[wordStart..wordEnd];
        return word.Length >= 2 && word.IndexOfAny(Keywords) < 0 && !word.Contains("cred", StringComparison.OrdinalIgnoreCase)
            ? SecretLabels.TryAt(text, wordStart, spans)
            : at + 1;
    }

    // A dash after a blank may start a password flag; one after a word may end a vendor prefix (gldt-, GOCSPX-) or a
    // Mailchimp key's hex (…-us21). Dates, phone numbers and hyphenated words leave at the first check.
    private static int AtDash(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        // A PEM block's dashes are the vendor prefix search's, which stops at the same place.
        if (text[at..].StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return AtAnchor(text, at, spans);
        }

        if (at == 0)
        {
            return at + 1;
        }

        char before = text[at - 1];
        if (before is ' ' or '\t')
        {
            return SecretFlags.TryFlag(text, at, spans);
        }

        if (!char.IsAsciiLetterOrDigit(before))
        {
            return at + 1;
        }

        int wordStart = at - 1;
        while (wordStart > 0 && at - wordStart <= 32 && char.IsAsciiLetterOrDigit(text[wordStart - 1]))
        {
            wordStart--;
        }

        if (wordStart > 0 && (char.IsAsciiLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] is '_' or '-'))
        {
            return at + 1;
        }

        if ((SecretTokenForms.IsDashPrefix(text[wordStart..(at + 1)]) || text[wordStart..].StartsWith("AGE-SECRET-KEY-1", StringComparison.Ordinal))
            && SecretTokenForms.TryMatch(text, wordStart, out int s, out int e, out double c))
        {
            return Report(text, s, e, c, spans);
        }

        return SecretTokenForms.TryMailchimpKey(text, wordStart, at, out int end) ? Report(text, wordStart, end, 0.9, spans) : at + 1;
    }

    private static int Report(ReadOnlySpan<char> text, int start, int end, double confidence, ICollection<SensitiveSpan> spans)
    {
        spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Secret, confidence));

        // An AWS access key id is usually pasted with its secret access key right after it.
        if (SecretTokenForms.IsAwsKeyId(text[start..end])
            && SecretTokenForms.TryAwsSecretAfterId(text, end, out int secretStart, out int secretEnd))
        {
            spans.Add(new SensitiveSpan(secretStart, secretEnd - secretStart, EntityTypes.Secret, 0.85));
            return secretEnd;
        }

        return end;
    }
}

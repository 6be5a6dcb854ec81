using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds e-mail addresses: a local part, <c>@</c>, and a domain whose last label is at least two letters. Local parts and
/// domains may hold non-ASCII letters (<c>jörg.müller@stadtwerke-köln.de</c>) or be punycode (<c>xn--</c>); a local part
/// may be quoted (<c>"john doe"@example.com</c>); <c>%40</c> stands for <c>@</c> in URLs; and the obfuscated forms
/// <c>anna [at] example [dot] com</c>, <c>anna(at)example.com</c> and <c>anna at example dot com</c> are found.
/// </summary>
/// <remarks>
/// The bare-word form (<c> at </c> ... <c> dot </c>) is ordinary prose as well ("meet at 5 dot"), so it counts only with a
/// spelled-out <c>dot</c> before a common top-level domain, a domain label with a letter, and a local part that is not a
/// common English word.
/// </remarks>
public sealed partial class EmailDetector : ISensitiveDataDetector
{
    private const int MaxLocalPart = 64;

    // Cheap triggers for the obfuscated forms: the regex runs only when one of them occurs in the text.
    private static readonly SearchValues<string> ObfuscationMarkers = SearchValues.Create(
        ["[at]", "(at)", "{at}", "<at>", "[ at ]", "( at )", " dot "],
        StringComparison.OrdinalIgnoreCase);

    // Top-level domains accepted after a spelled-out " dot ": the common generic ones and the country codes most used.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CommonTopLevelDomains = Words(
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "ai", "app", "dev", "me", "eu", "uk", "de",
        "fr", "nl", "es", "it", "ch", "at", "be", "se", "no", "dk", "fi", "pl", "pt", "ie", "cz", "us", "ca", "au", "nz", "in",
        "cn", "jp", "br", "mx", "sg", "za", "ru", "online", "email", "mail", "tech", "energy");

    // Words that stand before " at " in prose ("meet at", "look at"); such a word is not taken for a local part.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ProseWords = Words(
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "meet", "met", "meeting", "look", "looking", "looked",
        "arrive", "arrived", "arriving", "stay", "stayed", "live", "lives", "lived", "work", "works", "worked", "working",
        "me", "him", "her", "us", "them", "you", "it", "we", "i", "they", "he", "she", "that", "this", "there", "here", "and",
        "or", "but", "not", "only", "just", "even", "both", "all", "one", "two", "ends", "end", "starts", "start", "peak",
        "peaks", "peaked", "set", "runs", "run", "ran", "rate", "rated", "kept", "keep", "held", "hold", "valued", "priced",
        "located", "based", "available", "aimed", "aim", "point", "points", "stop", "stops", "call", "calls", "reach",
        "email", "mail", "write", "contact", "find", "found", "see", "seen", "up", "down", "out", "in", "on", "off", "add",
        "with", "from", "for", "to", "of", "by", "as", "so", "then", "also", "sent", "send", "go", "goes", "went", "sit",
        "sits", "sat", "shop", "buy", "bought", "order", "ordered", "sign", "signed", "log", "logged", "register",
        "registered", "visit", "visited", "online", "our", "my", "your", "his", "their", "its", "what", "where", "which",
        "who", "how", "when", "why", "else", "site", "page", "store", "anywhere", "somewhere", "everywhere", "home", "office",
        "hosted", "listed", "posted", "published", "again", "once", "still", "now", "today", "later", "later", "first", "last");

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // A match holds exactly one '@' (neither part may contain one), and its local part cannot start after a local-part
        // character, so for each '@' the only possible start is the beginning of the run of local-part characters (or
        // the opening quote) before it; the domain is read after it (EmailDomain).
        int lastEnd = 0;
        int at = text.IndexOf('@');
        while (at >= 0)
        {
            lastEnd = TryAt(text, at, 1, lastEnd, spans);
            int next = text[(at + 1)..].IndexOf('@');
            at = next < 0 ? -1 : at + 1 + next;
        }

        // "%40" is '@' percent-encoded, as in "?to=anna.berg%40example.com".
        int encoded = text.IndexOf("%40", StringComparison.Ordinal);
        while (encoded >= 0)
        {
            lastEnd = TryAt(text, encoded, 3, lastEnd, spans);
            int next = text[(encoded + 3)..].IndexOf("%40", StringComparison.Ordinal);
            encoded = next < 0 ? -1 : encoded + 3 + next;
        }

        if (text.IndexOfAny(ObfuscationMarkers) >= 0)
        {
            DetectObfuscated(text, spans);
        }
    }

    /// <summary>Tries the address around the '@' (or "%40") at <paramref name="at"/>; returns the new end of the last match.</summary>
    private static int TryAt(ReadOnlySpan<char> text, int at, int atWidth, int lastEnd, ICollection<SensitiveSpan> spans)
    {
        int start = LocalPartStart(text, at);
        if (start < 0 || start < lastEnd)
        {
            return lastEnd;
        }

        int domainStart = at + atWidth;
        int end = EmailDomain.Match(text, domainStart);
        if (end < 0)
        {
            return lastEnd;
        }

        if (!IsTemplate(text[start..at], text[domainStart..end]))
        {
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Email, 0.95));
        }

        return end;
    }

    /// <summary>
    /// Whether an address is a template that explains the format rather than anyone's address: a generic local part
    /// (<c>name</c>, <c>department</c>, <c>default</c>, <c>firstname.lastname</c>) at a generic domain (<c>domain.com</c>,
    /// <c>email.com</c>, <c>yourcompany.com</c>). Both must be generic: <c>name@acme.com</c> and <c>jane@domain.com</c>
    /// are still addresses.
    /// </summary>
    private static bool IsTemplate(ReadOnlySpan<char> local, ReadOnlySpan<char> domain)
    {
        int dot = domain.LastIndexOf('.');
        ReadOnlySpan<char> name = dot > 0 ? domain[..dot] : domain;
        return s_templateLocalParts.Contains(local) && s_templateDomains.Contains(name);
    }

    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_templateLocalParts =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(
            ["name", "yourname", "your.name", "username", "user", "firstname.lastname", "first.last", "firstname", "department", "default", "someone", "you", "email", "address", "xxx"],
            StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_templateDomains =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(
            ["domain", "yourdomain", "email", "mail", "company", "yourcompany", "organisation", "organization", "provider", "host", "xxx"],
            StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Returns where the local part before <paramref name="at"/> starts, or -1 when there is no valid one.</summary>
    private static int LocalPartStart(ReadOnlySpan<char> text, int at)
    {
        if (at == 0)
        {
            return -1;
        }

        if (text[at - 1] == '"')
        {
            // A quoted local part: any printable characters but quote and backslash, on one line.
            int open = text[..(at - 1)].LastIndexOf('"');
            if (open < 0 || at - 1 - open - 1 is < 1 or > MaxLocalPart)
            {
                return -1;
            }

            foreach (char c in text[(open + 1)..(at - 1)])
            {
                if (char.IsControl(c) || c == '\\')
                {
                    return -1;
                }
            }

            return open > 0 && IsLocalPartChar(text[open - 1]) ? -1 : open;
        }

        int start = at;
        while (start > 0 && at - start <= MaxLocalPart && IsLocalPartChar(text[start - 1]))
        {
            start--;
        }

        // A local part that starts or ends with a dot is not an address; "a..b@x.com" is rejected for the same reason.
        ReadOnlySpan<char> local = text[start..at];
        bool valid = local.Length is >= 1 and <= MaxLocalPart
            && local[0] != '.' && local[^1] != '.' && !local.Contains("..", StringComparison.Ordinal)
            && !(start > 0 && IsLocalPartChar(text[start - 1]));
        return valid ? start : -1;
    }

    private static bool IsLocalPartChar(char c)
        => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-' || (c > '\u007f' && char.IsLetterOrDigit(c));

    private static void DetectObfuscated(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        foreach (ValueMatch match in ObfuscatedPattern().EnumerateMatches(text))
        {
            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
            if (IsObfuscatedAddress(value))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Email, 0.8));
            }
        }
    }

    /// <summary>Applies the rules the obfuscated pattern cannot express (see the remarks on the class).</summary>
    private static bool IsObfuscatedAddress(ReadOnlySpan<char> value)
    {
        int localEnd = value.IndexOfAny(" [({<");
        ReadOnlySpan<char> local = value[..localEnd];
        if (local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = value[localEnd..].TrimStart(' ');
        bool bracketed = rest.Length > 0 && rest[0] is '[' or '(' or '{' or '<';
        if (bracketed)
        {
            return true;
        }

        // Bare " at ": a spelled-out " dot " before a common top-level domain, a letter in the first domain label, and a
        // local part that is no word of prose.
        int lastSpace = value.LastIndexOf(' ');
        ReadOnlySpan<char> topLevel = value[(lastSpace + 1)..];
        ReadOnlySpan<char> beforeTopLevel = value[..Math.Max(0, lastSpace)].TrimEnd(' ');
        bool spelledDot = beforeTopLevel.EndsWith(" dot", StringComparison.OrdinalIgnoreCase);
        ReadOnlySpan<char> domain = rest[2..].TrimStart(' ');
        int labelEnd = domain.IndexOfAny(' ', '.');
        ReadOnlySpan<char> firstLabel = labelEnd < 0 ? domain : domain[..labelEnd];
        bool labelHasLetter = false;
        foreach (char c in firstLabel)
        {
            labelHasLetter |= char.IsLetter(c);
        }

        return spelledDot && labelHasLetter && CommonTopLevelDomains.Contains(topLevel) && !ProseWords.Contains(local) && local.Length >= 2;
    }

    private static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Words(params string[] words)
        => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // "anna [at] example [dot] com", "anna(at)example.com", "anna at example dot com": one local-part token, "at" in
    // brackets or as a word, labels separated by '.', a bracketed "dot" or the word "dot", then a letters-only TLD.
    [GeneratedRegex(
        @"(?<![\p{L}\p{N}._%+'’@-])[\p{L}\p{N}][\p{L}\p{N}._%+-]{0,63}(?:\s?[\[({<]\s?at\s?[\])}>]\s?| at )(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\s?[\[({<]\s?dot\s?[\])}>]\s?| dot |\.))+\p{L}{2,24}(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex ObfuscatedPattern();
}

using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// What a secret value looks like, shared by the secret rules: Shannon entropy, placeholder and redaction forms, and the
/// shapes that sit next to a keyword without being secrets (UUIDs, hashes, paths, model numbers, building ids).
/// </summary>
internal static class SecretValueShape
{
    /// <summary>Characters of base64, base64url and hex, the alphabet of machine-made keys.</summary>
    public static readonly SearchValues<char> KeyAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-");

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    // Words that stand where a value would in templates and documentation; never a credential worth reporting.
    private static readonly string[] StopValues =
    [
        "none", "null", "nil", "empty", "blank", "required", "optional", "unknown", "unset", "redacted", "hidden", "masked",
        "removed", "true", "false", "yes", "no", "n/a", "tbd", "todo", "see", "the", "your", "my", "our", "this", "that",
        "same", "here", "below", "above", "password", "passwort", "secret", "token", "value", "changeit", "example",
        "placeholder", "stored", "set", "not", "valid", "invalid", "expired", "wrong", "incorrect", "correct", "weak",
        "strong", "default", "xxx", "xxxx", "***", "****", "...", "sample", "dummy", "test",
    ];

    /// <summary>Returns the Shannon entropy of <paramref name="value"/> in bits per character.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        counts.Clear();
        int counted = 0;
        foreach (char c in value)
        {
            if (c < 128)
            {
                counts[c]++;
                counted++;
            }
        }

        double entropy = 0;
        foreach (int count in counts)
        {
            if (count > 0)
            {
                double p = (double)count / counted;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }

    /// <summary>Returns how many different characters <paramref name="value"/> holds, counting up to <paramref name="enough"/>.</summary>
    public static int DistinctChars(ReadOnlySpan<char> value, int enough)
    {
        Span<char> seen = stackalloc char[enough];
        int distinct = 0;
        foreach (char c in value)
        {
            if (!seen[..distinct].Contains(c))
            {
                seen[distinct++] = c;
                if (distinct == enough)
                {
                    break;
                }
            }
        }

        return distinct;
    }

    /// <summary>
    /// Returns whether <paramref name="value"/> is a pseudonymiser placeholder (<c>SECRET_1</c>), a redaction
    /// (<c>[REDACTED_SECRET]</c>), a template variable (<c>${PW}</c>, <c>{{ pw }}</c>, <c>%s</c>, <c>&lt;password&gt;</c>) or
    /// a mask (<c>xxxx</c>, <c>****</c>): text that stands for a secret rather than being one.
    /// </summary>
    public static bool IsStandIn(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value[0] is '$' or '<' or '{' or '[' or '@')
        {
            return true;
        }

        // "%s" and "%(password)s" are format strings; "%2B…" is URL-encoded base64 (a SAS signature).
        if (value[0] == '%' && !(value.Length >= 3 && IsHex(value[1..3])))
        {
            return true;
        }

        if (PlaceholderSyntax.IsPlaceholderShaped(value) || value.Contains("REDACTED", StringComparison.OrdinalIgnoreCase)
            || value.Contains("xxxx", StringComparison.OrdinalIgnoreCase) || value.Contains("****", StringComparison.Ordinal)
            || value.Contains("${", StringComparison.Ordinal) || value.Contains("{{", StringComparison.Ordinal))
        {
            return true;
        }

        // A placeholder glued to punctuation a model added: "SECRET_1." or "(SECRET_1)".
        ReadOnlySpan<char> core = value.Trim("()[]{}.,;:!?'\"`*");
        return core.Length != value.Length && (core.IsEmpty || PlaceholderSyntax.IsPlaceholderShaped(core));
    }

    /// <summary>Returns whether <paramref name="value"/> is a word used in place of a value (<c>none</c>, <c>required</c>, <c>see</c>).</summary>
    public static bool IsStopValue(ReadOnlySpan<char> value)
    {
        foreach (string stop in StopValues)
        {
            if (value.Equals(stop, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether <paramref name="value"/> is a UUID (8-4-4-4-12 hex).</summary>
    public static bool IsUuid(ReadOnlySpan<char> value)
    {
        if (value.Length != 36)
        {
            return false;
        }

        for (int i = 0; i < value.Length; i++)
        {
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? value[i] != '-' : !Hex.Contains(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns whether <paramref name="value"/> is hex digits only.</summary>
    public static bool IsHex(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(Hex);

    /// <summary>Returns whether <paramref name="value"/> has at least one ASCII letter and one digit.</summary>
    public static bool HasLetterAndDigit(ReadOnlySpan<char> value) =>
        value.IndexOfAnyInRange('0', '9') >= 0 && (value.IndexOfAnyInRange('a', 'z') >= 0 || value.IndexOfAnyInRange('A', 'Z') >= 0);

    /// <summary>
    /// Returns whether <paramref name="value"/> is a part or model number: dash-separated groups of at most eight upper-case
    /// letters and digits (<c>30XA-0802</c>, <c>SUN2000-100KTL-M1</c>), which keys never are.
    /// </summary>
    public static bool IsModelNumber(ReadOnlySpan<char> value)
    {
        if (!value.Contains('-'))
        {
            return false;
        }

        foreach (Range part in value.Split('-'))
        {
            ReadOnlySpan<char> group = value[part];
            if (group.Length > 8 || group.ContainsAnyExceptInRange('0', 'Z') || group.ContainsAnyInRange(':', '@'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Returns whether a run of at least 20 key-alphabet characters found near a keyword is a machine-made secret: letters
    /// and digits, high entropy, and none of the shapes that share the alphabet (UUID, hash next to a hash word, model
    /// number, path-like or underscore-joined words).
    /// </summary>
    /// <param name="token">The candidate.</param>
    /// <param name="hashContext">Whether a hash word (SHA, MD5, checksum, commit) is nearby, which makes hex a digest.</param>
    public static bool IsHighEntropyToken(ReadOnlySpan<char> token, bool hashContext)
    {
        if (token.Length < 20 || token.Length > 512 || token.ContainsAnyExcept(KeyAlphabet) || !HasLetterAndDigit(token)
            || IsUuid(token) || IsModelNumber(token) || IsStandIn(token) || IsPathLike(token))
        {
            return false;
        }

        if (IsHex(token))
        {
            return !hashContext && token.Length >= 32 && Entropy(token) >= 3.0;
        }

        return Entropy(token) >= (token.Length >= 32 ? 3.8 : 3.5);
    }

    /// <summary>
    /// Returns whether a hash word (<c>sha</c>, <c>md5</c>, <c>checksum</c>, <c>hash</c>, <c>digest</c>, <c>commit</c>,
    /// <c>fingerprint</c>, <c>etag</c>) occurs in <paramref name="window"/>.
    /// </summary>
    public static bool HasHashWord(ReadOnlySpan<char> window) =>
        window.Contains("sha", StringComparison.OrdinalIgnoreCase) || window.Contains("md5", StringComparison.OrdinalIgnoreCase)
        || window.Contains("checksum", StringComparison.OrdinalIgnoreCase) || window.Contains("hash", StringComparison.OrdinalIgnoreCase)
        || window.Contains("digest", StringComparison.OrdinalIgnoreCase) || window.Contains("commit", StringComparison.OrdinalIgnoreCase)
        || window.Contains("fingerprint", StringComparison.OrdinalIgnoreCase) || window.Contains("etag", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns whether <paramref name="value"/> reads as a URL or a file path rather than a key. Base64 keys may hold
    /// slashes, even at either end, so a leading or trailing slash counts only with another slash and the lower entropy
    /// of words; a dot with a slash or a backslash always counts.
    /// </summary>
    public static bool IsPathLike(ReadOnlySpan<char> value) =>
        value.Contains("://", StringComparison.Ordinal) || value.Contains('\\') || value[0] is '.' or '~'
        || ((value[0] == '/' || value[^1] == '/') && value.Count('/') >= 2 && Entropy(value) < 4.3)
        || (value.Contains('/') && value.Contains('.'));
}

using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// The one grammar of placeholders, shared by the vault, the pseudonymiser and both restorers so that they can never
/// disagree about what a placeholder is.
/// </summary>
/// <remarks>
/// <para>
/// A placeholder is <c>TYPE_n</c>: <c>TYPE</c> is an ASCII letter followed by <c>[A-Za-z0-9_]</c>, <c>n</c> is a
/// decimal number without leading zero. Placeholders are issued in upper case, but models change case
/// (<c>building_1</c>, <c>Building_1</c>), so the vault compares them ignoring case. It only counts as a whole ASCII
/// word: the characters on both sides must not be <c>[A-Za-z0-9_]</c>. That is what makes <c>PERSON_1</c> and
/// <c>PERSON_10</c> distinct without longest-first tricks: the token is always the maximal word run, looked up whole.
/// </para>
/// <para>
/// Models that answer in Markdown escape underscores (<c>BUILDING\_1</c>), so inside a word <c>\_</c> counts as an
/// underscore: the token found is the escaped form, and <see cref="Unescape"/> gives the placeholder to look up.
/// </para>
/// </remarks>
internal static class PlaceholderSyntax
{
    /// <summary>The longest placeholder ever issued or restored; it bounds how much a stream holds back.</summary>
    public const int MaxLength = 48;

    /// <summary>The longest number part (<see cref="int.MaxValue"/> has 10 digits).</summary>
    private const int MaxNumberDigits = 10;

    private static readonly SearchValues<char> WordChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>Returns whether <paramref name="c"/> continues an ASCII word.</summary>
    public static bool IsWordChar(char c) => WordChars.Contains(c);

    /// <summary>Returns whether <paramref name="c"/> may appear in an issued stem: upper-case, as stems are issued.</summary>
    public static bool IsPlaceholderChar(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_';

    /// <summary>Returns whether a whole word (unescaped) has the placeholder shape in any case (it need not have been issued).</summary>
    public static bool IsPlaceholderShaped(ReadOnlySpan<char> word)
    {
        if (word.Length < 3 || word.Length > MaxLength || !char.IsAsciiLetter(word[0]))
        {
            return false;
        }

        int underscore = word.LastIndexOf('_');
        if (underscore <= 0 || underscore == word.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> number = word[(underscore + 1)..];
        if (number[0] == '0' || number.Length > MaxNumberDigits || number.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        foreach (char c in word[..underscore])
        {
            if (!IsWordChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes the Markdown escapes (<c>\_</c> to <c>_</c>) from a token found by <see cref="FindNext"/>.</summary>
    /// <param name="token">The token as written.</param>
    /// <returns>The token itself when it has no escape, else an unescaped copy.</returns>
    public static ReadOnlySpan<char> Unescape(ReadOnlySpan<char> token) =>
        token.Contains('\\') ? token.ToString().Replace("\\_", "_", StringComparison.Ordinal) : token;

    /// <summary>
    /// Returns whether a trailing fragment (unescaped, not yet followed by anything) could still grow into a placeholder of
    /// one of <paramref name="stems"/>, compared ignoring case: a prefix of <c>STEM_</c>, or <c>STEM_</c> and digits.
    /// </summary>
    public static bool CouldBecomePlaceholderOf(ReadOnlySpan<char> fragment, IReadOnlyCollection<string> stems)
    {
        foreach (string stem in stems)
        {
            if (fragment.Length <= stem.Length)
            {
                if (stem.AsSpan().StartsWith(fragment, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (fragment.StartsWith(stem, StringComparison.OrdinalIgnoreCase) && fragment[stem.Length] == '_'
                && !fragment[(stem.Length + 1)..].ContainsAnyExceptInRange('0', '9'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Returns whether a trailing word, not yet followed by anything, could still grow into a placeholder: any run of
    /// <c>[A-Z0-9_]</c> starting with an upper-case letter can (append <c>_1</c>), up to <see cref="MaxLength"/>.
    /// </summary>
    public static bool CouldBecomePlaceholder(ReadOnlySpan<char> fragment)
    {
        if (fragment.IsEmpty || fragment.Length > MaxLength || !char.IsAsciiLetterUpper(fragment[0]))
        {
            return false;
        }

        foreach (char c in fragment)
        {
            if (!IsPlaceholderChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a span is one of this library's own placeholders (<c>SECRET_1</c>, <c>BUILDING_2</c>) or redaction marks
    /// (<c>[REDACTED_EMAIL]</c>), or lies inside one.
    /// </summary>
    /// <remarks>
    /// Masked text is scanned again by the egress guard: a detector that took <c>Password=SECRET_1;</c> for a password
    /// would block every masked connection string. Only the stems of the built-in entity types count, upper-case as they
    /// are issued, so a host's id that merely looks like a placeholder (<c>AHU_3</c>) is still reported.
    /// </remarks>
    public static bool IsOwnPlaceholder(ReadOnlySpan<char> text, SensitiveSpan span)
    {
        int start = span.Start;
        int end = span.End;
        while (start < end && text[start] is ' ' or '"' or '\'' or '`' or '[')
        {
            start++;
        }

        while (end > start && text[end - 1] is ' ' or '"' or '\'' or '`' or ']' or ';' or ',' or '.')
        {
            end--;
        }

        if (start == end)
        {
            return false;
        }

        while (start > 0 && IsWordChar(text[start - 1]))
        {
            start--;
        }

        while (end < text.Length && IsWordChar(text[end]))
        {
            end++;
        }

        ReadOnlySpan<char> word = text[start..end];
        if (start >= 1 && end < text.Length && text[start - 1] == '[' && text[end] == ']' && word.StartsWith("REDACTED_", StringComparison.Ordinal))
        {
            return true;
        }

        if (!IsPlaceholderShaped(word) || word.ContainsAnyInRange('a', 'z'))
        {
            return false;
        }

        return s_ownStems.Contains(word[..word.LastIndexOf('_')]);
    }

    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_ownStems =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(
        [
            EntityTypes.Email, EntityTypes.Phone, EntityTypes.IpAddress, EntityTypes.PaymentCard, EntityTypes.Iban,
            EntityTypes.Secret, EntityTypes.Coordinates, EntityTypes.StreetAddress, EntityTypes.Person, EntityTypes.Building,
            EntityTypes.Site, EntityTypes.Equipment, EntityTypes.SupplyPoint, EntityTypes.IdentityNumber, EntityTypes.BankAccount, EntityTypes.Readings, ToolCallIdStem,
        ], StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The stem of the opaque ids that replace tool-call ids on the way out.</summary>
    public const string ToolCallIdStem = "CALL";

    /// <summary>Turns an entity type into a placeholder stem: upper-case ASCII, other characters as <c>_</c>.</summary>
    public static string ToStem(string entityType)
    {
        bool clean = entityType.Length > 0 && char.IsAsciiLetterUpper(entityType[0]);
        foreach (char c in entityType)
        {
            clean &= IsPlaceholderChar(c);
        }

        if (clean)
        {
            return entityType.Length <= MaxLength - MaxNumberDigits - 1 ? entityType : entityType[..(MaxLength - MaxNumberDigits - 1)];
        }

        var builder = new System.Text.StringBuilder(entityType.Length + 1);
        foreach (char c in entityType)
        {
            char upper = char.ToUpperInvariant(c);
            builder.Append(IsPlaceholderChar(upper) ? upper : '_');
        }

        if (builder.Length == 0 || !char.IsAsciiLetterUpper(builder[0]))
        {
            // A stem must start with a letter to be recognised again on the way back.
            builder.Insert(0, 'X');
        }

        string stem = builder.ToString();
        return stem.Length <= MaxLength - MaxNumberDigits - 1 ? stem : stem[..(MaxLength - MaxNumberDigits - 1)];
    }

    /// <summary>Splits a placeholder-shaped word into its stem and number.</summary>
    public static (string Stem, int Number) Split(string placeholder)
    {
        int underscore = placeholder.LastIndexOf('_');
        _ = int.TryParse(placeholder.AsSpan(underscore + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int number);
        return (placeholder[..underscore], number);
    }

    /// <summary>
    /// Finds the next placeholder-shaped word in <paramref name="text"/> at or after <paramref name="from"/>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="from">Where to start looking.</param>
    /// <param name="precededByWord">Whether the character before <paramref name="text"/> (outside it) is a word character.</param>
    /// <param name="start">The start of the word found.</param>
    /// <param name="end">The end of the word found.</param>
    /// <returns>Whether one was found.</returns>
    public static bool FindNext(ReadOnlySpan<char> text, int from, bool precededByWord, out int start, out int end)
    {
        // Every placeholder has an underscore and underscores are rare in prose, so a vectorised IndexOf does the
        // scanning and the word around each underscore is checked by hand.
        while (from < text.Length)
        {
            int found = text[from..].IndexOf('_');
            if (found < 0)
            {
                break;
            }

            int u = from + found;
            int s = u;
            while (s > 0 && (IsWordChar(text[s - 1]) || (text[s - 1] == '\\' && text[s] == '_' && s > 1 && IsWordChar(text[s - 2]))))
            {
                s--;
            }

            int e = u + 1;
            while (e < text.Length && (IsWordChar(text[e]) || (text[e] == '\\' && e + 1 < text.Length && text[e + 1] == '_')))
            {
                e += text[e] == '\\' ? 2 : 1;
            }

            if (!(s == 0 && precededByWord) && text[s] != '\\' && IsPlaceholderShaped(Unescape(text[s..e])))
            {
                start = s;
                end = e;
                return true;
            }

            from = e;
        }

        start = end = -1;
        return false;
    }
}

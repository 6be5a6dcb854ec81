using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Folds the characters that hide a value from a detector without changing what a reader sees: Unicode spaces become a
/// space, zero-width characters and soft hyphens disappear, full-width ASCII forms become ASCII, Unicode dashes and the
/// minus sign become <c>-</c>. Detectors run on the folded text; their spans are mapped back to the original.
/// </summary>
/// <remarks>
/// Text without any character above U+007F is returned as is after one vectorised check, so plain ASCII prompts pay
/// nothing else. A span found in folded text maps to the original stretch from its first to its last character, so a
/// zero-width character inside a value is replaced with it.
/// </remarks>
internal static class TextNormalizer
{
    private static readonly SearchValues<char> Foldable = SearchValues.Create(
        "\u00A0\u00AD\u1680\u180E\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u200B\u200C\u200D\u200E\u200F"
        + "\u2010\u2011\u2012\u2013\u2014\u2015\u2028\u2029\u202F\u205F\u2060\u2212\u3000\uFEFF"
        + string.Concat(Enumerable.Range(0xFF01, 0xFF5E - 0xFF01 + 1).Select(c => (char)c)));

    /// <summary>Folds <paramref name="text"/>, or returns <see langword="null"/> when nothing in it needs folding.</summary>
    /// <param name="text">The text.</param>
    /// <param name="map">For each index of the folded text (and one past its end), the index of the original character.</param>
    /// <returns>The folded text, or <see langword="null"/>.</returns>
    public static string? Fold(ReadOnlySpan<char> text, out int[]? map)
    {
        map = null;
        int nonAscii = text.IndexOfAnyExceptInRange('\0', '\u007F');
        if (nonAscii < 0 || !NeedsFolding(text[nonAscii..]))
        {
            return null;
        }

        char[] folded = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            int[] positions = new int[text.Length + 1];
            int n = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char f = Fold(text[i]);
                if (f == '\0')
                {
                    continue;
                }

                positions[n] = i;
                folded[n++] = f;
            }

            positions[n] = text.Length;
            map = positions;
            return new string(folded, 0, n);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(folded);
        }
    }

    private static bool NeedsFolding(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny(Foldable) >= 0)
        {
            return true;
        }

        foreach (char c in text)
        {
            if (c > '\u007F' && Fold(c) != c)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Maps spans found in folded text back to the original text.</summary>
    /// <param name="spans">The spans; those from <paramref name="from"/> on are rewritten in place.</param>
    /// <param name="from">The first span to map.</param>
    /// <param name="map">The map from <see cref="Fold(ReadOnlySpan{char}, out int[])"/>.</param>
    /// <returns><see langword="false"/> when a span lies outside the folded text (a detector's bug); that span is left as it is.</returns>
    public static bool TryMapBack(List<SensitiveSpan> spans, int from, int[] map)
    {
        bool ok = true;
        for (int i = from; i < spans.Count; i++)
        {
            SensitiveSpan span = spans[i];
            if (span.Start < 0 || span.Length < 0 || span.End > map.Length - 1)
            {
                ok = false;
                continue;
            }

            spans[i] = MapBack(span, map);
        }

        return ok;
    }

    /// <summary>Maps one span found in folded text back to the original text.</summary>
    public static SensitiveSpan MapBack(SensitiveSpan span, int[] map)
    {
        int start = map[span.Start];
        int end = span.Length == 0 ? start : map[span.End - 1] + 1;
        return span with { Start = start, Length = end - start };
    }

    private static char Fold(char c) => c switch
    {
        '\u00AD' or '\u180E' or (>= '\u200B' and <= '\u200F') or '\u2060' or '\uFEFF' => '\0',
        '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' or '\u3000' => ' ',
        '\u2028' or '\u2029' => '\n',
        (>= '\u2010' and <= '\u2015') or '\u2212' => '-',
        (>= '\uFF01' and <= '\uFF5E') => (char)(c - 0xFF01 + 0x21),
        < '\u0080' => c,

        // Any other invisible format character (bidirectional marks, invisible operators, variation selectors) and any
        // other decimal digit (Arabic-Indic, Devanagari…): a value written with them is the same value.
        _ when char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format || c is '\u034F' or (>= '\uFE00' and <= '\uFE0F') => '\0',
        _ when char.IsDigit(c) => (char)('0' + (int)char.GetNumericValue(c)),
        _ => c,
    };
}

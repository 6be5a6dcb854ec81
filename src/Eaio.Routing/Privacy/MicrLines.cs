namespace Eaio.Routing;

/// <summary>
/// Finds the numbers of a cheque's MICR line written with its E-13B symbols (transit ⑆, amount ⑇, on-us ⑈, dash ⑉,
/// U+2446 to U+2449): the bank's routing or transit number, the account number and the cheque number.
/// </summary>
/// <remarks>The symbols appear in no other writing, so every group of four or more digits on such a line is reported.</remarks>
internal static class MicrLines
{
    /// <summary>Reports the numbers of the MICR line around the symbol at <paramref name="at"/> as <see cref="EntityTypes.BankAccount"/>; returns where to read on.</summary>
    /// <param name="text">The text.</param>
    /// <param name="at">A MICR symbol (<see cref="DocumentMarks"/>).</param>
    /// <param name="spans">Where the numbers go.</param>
    /// <returns>The end of the line.</returns>
    public static int At(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        // The line is the symbols with the digits, spaces and dashes between and around them; an earlier symbol of the
        // same line was read with it, so the start is found from this one.
        int start = at;
        while (start > 0 && IsLinePart(text[start - 1]))
        {
            start--;
        }

        int end = at + 1;
        while (end < text.Length && IsLinePart(text[end]))
        {
            end++;
        }

        for (int i = start; i < end;)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            // A group: digits joined by single dashes (ASCII or the symbol), as "80569-001".
            int groupEnd = i;
            int digits = 0;
            while (groupEnd < end && (char.IsAsciiDigit(text[groupEnd])
                || (text[groupEnd] is '-' or '\u2449' && groupEnd + 1 < end && char.IsAsciiDigit(text[groupEnd + 1]) && digits > 0)))
            {
                digits += char.IsAsciiDigit(text[groupEnd]) ? 1 : 0;
                groupEnd++;
            }

            if (digits >= 4)
            {
                spans.Add(new SensitiveSpan(i, groupEnd - i, EntityTypes.BankAccount, 0.95));
            }

            i = groupEnd;
        }

        return end;
    }

    private static bool IsLinePart(char c) => char.IsAsciiDigit(c) || c is ' ' or '-' || DocumentMarks.IsMicrSymbol(c);
}

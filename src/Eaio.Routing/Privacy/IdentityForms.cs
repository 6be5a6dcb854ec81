namespace Eaio.Routing;

/// <summary>
/// National identity numbers whose written form and check digits say what they are, for
/// <see cref="IdentityNumberDetector"/>: a US social security number, a UK national insurance number, a Spanish DNI or
/// NIE, an Italian codice fiscale, a French social security number (NIR).
/// </summary>
internal static class IdentityForms
{
    /// <summary>The check letters of a Spanish DNI or NIE, by the number modulo 23; the CUPS of a Spanish supply point uses
    /// them too (<see cref="SupplyPointForms"/>).</summary>
    public const string SpanishCheckLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

    // The value of a codice fiscale's character at an odd position (1st, 3rd, …), digits then letters.
    private static ReadOnlySpan<byte> FiscalOddDigits => [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];

    private static ReadOnlySpan<byte> FiscalOddLetters => [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

    /// <summary>Whether an id of letters and digits has one of the forms.</summary>
    /// <param name="token">The id, no separator.</param>
    /// <returns>Whether it is one.</returns>
    public static bool IsSelfEvident(ReadOnlySpan<char> token) =>
        IsNationalInsuranceNumber(token) || IsSpanishId(token) || IsCodiceFiscale(token);

    /// <summary>Whether a number as written is a US social security number: <c>ddd-dd-dddd</c>, with an area other than 000, 666
    /// and 900-999, a group other than 00 and a serial other than 0000.</summary>
    /// <param name="number">The number with its hyphens.</param>
    /// <returns>Whether it is one.</returns>
    public static bool IsSocialSecurityNumber(ReadOnlySpan<char> number) =>
        number.Length == 11 && number[3] == '-' && number[6] == '-'
        && !number[..3].ContainsAnyExceptInRange('0', '9') && !number[4..6].ContainsAnyExceptInRange('0', '9') && !number[7..].ContainsAnyExceptInRange('0', '9')
        && number[..3] is not ("000" or "666") && number[0] != '9' && number[4..6] is not "00" && number[7..] is not "0000";

    /// <summary>Whether fifteen digits are a French NIR: sex 1 or 2, a month, and the key 97 - (the first 13 digits mod 97).</summary>
    /// <param name="digits">The digits, without the spaces they are often written with.</param>
    /// <returns>Whether it is one.</returns>
    public static bool IsFrenchSocialSecurityNumber(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 15 || digits[0] is not ('1' or '2'))
        {
            return false;
        }

        int month = ((digits[3] - '0') * 10) + (digits[4] - '0');
        if (month is 0 or (> 12 and < 20))
        {
            return false;
        }

        long number = long.Parse(digits[..13], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        return 97 - (number % 97) == ((digits[13] - '0') * 10) + (digits[14] - '0');
    }

    // Two prefix letters, six digits, a suffix A to D; the prefixes HMRC never issues are out (D, F, I, Q, U, V first; D,
    // F, I, O, Q, U, V second; BG, GB, KN, NK, NT, TN, ZZ).
    private static bool IsNationalInsuranceNumber(ReadOnlySpan<char> token) =>
        token.Length == 9 && char.IsAsciiLetterUpper(token[0]) && char.IsAsciiLetterUpper(token[1])
        && token[0] is not ('D' or 'F' or 'I' or 'Q' or 'U' or 'V') && token[1] is not ('D' or 'F' or 'I' or 'O' or 'Q' or 'U' or 'V')
        && token[..2] is not ("BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ")
        && !token[2..8].ContainsAnyExceptInRange('0', '9') && token[8] is >= 'A' and <= 'D';

    // A DNI: eight digits and the letter of their remainder mod 23; a NIE: X, Y or Z (0, 1, 2), seven digits and the letter.
    private static bool IsSpanishId(ReadOnlySpan<char> token)
    {
        if (token.Length != 9 || !char.IsAsciiLetterUpper(token[8]) || token[1..8].ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        int lead = token[0] switch
        {
            >= '0' and <= '9' => token[0] - '0',
            'X' => 0,
            'Y' => 1,
            'Z' => 2,
            _ => -1,
        };

        return lead >= 0 && SpanishCheckLetters[(int)(((lead * 10_000_000L) + int.Parse(token[1..8], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture)) % 23)] == token[8];
    }

    // Six letters of the name, two digits of the year, the month's letter, two digits of the day, the place's letter and
    // three digits, and the check letter; digits may be replaced by letters where a code was taken twice (omocodia).
    private static bool IsCodiceFiscale(ReadOnlySpan<char> token)
    {
        if (token.Length != 16)
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < 15; i++)
        {
            char c = token[i];
            bool letterPlace = i is < 6 or 8 or 11;
            if (!char.IsAsciiLetterUpper(c) && !(char.IsAsciiDigit(c) && !letterPlace))
            {
                return false;
            }

            sum += i % 2 == 0
                ? char.IsAsciiDigit(c) ? FiscalOddDigits[c - '0'] : FiscalOddLetters[c - 'A']
                : char.IsAsciiDigit(c) ? c - '0' : c - 'A';
        }

        return token[15] == (char)('A' + (sum % 26));
    }
}

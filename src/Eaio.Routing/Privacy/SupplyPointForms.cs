namespace Eaio.Routing;

/// <summary>
/// The written forms of the ids utilities give a building's supply point and its meter, and their check digits: what
/// <see cref="SupplyPointDetector"/> accepts without a label in front.
/// </summary>
internal static class SupplyPointForms
{

    // The weights of the UK MPAN core's check digit (the first twelve primes from 3 without 11).
    private static ReadOnlySpan<byte> MpanWeights => [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

    /// <summary>
    /// Whether a compact token is an id whose shape alone says what it is: a German Zählpunktbezeichnung (DE, six digits of
    /// the grid operator, five of the postcode, twenty letters or digits), a Spanish CUPS with valid check letters, an
    /// Italian electricity POD (IT, three digits, E, eight digits), or a meter number of DIN 43863-5 (a digit, the
    /// maker's three-letter FLAG code, ten digits).
    /// </summary>
    /// <param name="token">Letters and digits, no separator.</param>
    /// <param name="entityType">The entity type of the form found.</param>
    /// <returns>Whether the token has one of the forms.</returns>
    public static bool IsSelfEvident(ReadOnlySpan<char> token, out string entityType)
    {
        entityType = EntityTypes.SupplyPoint;
        if (token.Length == 33 && StartsWithLetters(token, "DE") && IsDigits(token[2..13]))
        {
            return true;
        }

        if (token.Length is 20 or 22 && StartsWithLetters(token, "ES") && IsDigits(token[2..18]) && HasCupsCheckLetters(token[2..20])
            && (token.Length == 20 || (char.IsAsciiDigit(token[20]) && char.IsAsciiLetter(token[21]))))
        {
            return true;
        }

        if (token.Length == 14 && StartsWithLetters(token, "IT") && IsDigits(token[2..5]) && token[5] is 'E' or 'e' && IsDigits(token[6..]))
        {
            return true;
        }

        entityType = EntityTypes.Equipment;
        return token.Length == 14 && char.IsAsciiDigit(token[0]) && char.IsAsciiLetterUpper(token[1])
            && char.IsAsciiLetterUpper(token[2]) && char.IsAsciiLetterUpper(token[3]) && IsDigits(token[4..]);
    }

    /// <summary>
    /// Whether the digits of a number, written whole or in groups, are a Dutch or Belgian metering point's EAN code: 18
    /// digits with the GS1 prefix 871 (Netherlands) or 54 (Belgium) and a valid GS1 check digit.
    /// </summary>
    /// <param name="digits">The number's digits.</param>
    /// <returns>Whether it is one.</returns>
    public static bool IsEanMeteringPoint(ReadOnlySpan<char> digits) =>
        digits.Length == 18 && (digits.StartsWith("871") || digits.StartsWith("54")) && HasGs1CheckDigit(digits);

    /// <summary>Whether the last of the digits is the GS1 (EAN, GTIN, GSRN) check digit of the others.</summary>
    /// <param name="digits">The digits, the check digit last.</param>
    /// <returns>Whether the check digit is right.</returns>
    public static bool HasGs1CheckDigit(ReadOnlySpan<char> digits)
    {
        int sum = 0;
        for (int i = digits.Length - 2, weight = 3; i >= 0; i--, weight = 4 - weight)
        {
            sum += (digits[i] - '0') * weight;
        }

        return (10 - (sum % 10)) % 10 == digits[^1] - '0';
    }

    /// <summary>Whether thirteen digits are a UK MPAN core: the distributor's two digits, ten more, and the mod-11 check digit.</summary>
    /// <param name="digits">The thirteen digits.</param>
    /// <returns>Whether the check digit is right.</returns>
    public static bool IsMpanCore(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 13)
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < 12; i++)
        {
            sum += (digits[i] - '0') * MpanWeights[i];
        }

        return sum % 11 % 10 == digits[12] - '0';
    }

    /// <summary>Whether eleven digits are a German market location id (MaLo-ID): a first digit of 1 to 9 and the BDEW check digit.</summary>
    /// <param name="digits">The eleven digits.</param>
    /// <returns>Whether the check digit is right.</returns>
    public static bool IsMarketLocation(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 11 || digits[0] == '0')
        {
            return false;
        }

        // The digits at odd positions (1st, 3rd, … 9th) once, those at even positions twice; the check digit takes the sum
        // up to the next multiple of ten.
        int sum = 0;
        for (int i = 0; i < 10; i++)
        {
            sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 2);
        }

        return (10 - (sum % 10)) % 10 == digits[10] - '0';
    }

    // The 16-digit number modulo 529, as two base-23 digits written in the DNI's check letters.
    private static bool HasCupsCheckLetters(ReadOnlySpan<char> numberAndLetters)
    {
        ulong number = ulong.Parse(numberAndLetters[..16], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        int remainder = (int)(number % 529);
        return char.ToUpperInvariant(numberAndLetters[16]) == IdentityForms.SpanishCheckLetters[remainder / 23]
            && char.ToUpperInvariant(numberAndLetters[17]) == IdentityForms.SpanishCheckLetters[remainder % 23];
    }

    private static bool StartsWithLetters(ReadOnlySpan<char> token, string prefix) =>
        token.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static bool IsDigits(ReadOnlySpan<char> span) => !span.IsEmpty && !span.ContainsAnyExceptInRange('0', '9');
}

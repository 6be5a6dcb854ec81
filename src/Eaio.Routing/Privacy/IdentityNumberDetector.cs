namespace Eaio.Routing;

/// <summary>
/// Finds a person's identity numbers (<see cref="EntityTypes.IdentityNumber"/>) and bank account numbers outside an IBAN
/// (<see cref="EntityTypes.BankAccount"/>).
/// </summary>
/// <remarks>
/// <para>
/// Found by their form and check digits alone: a US social security number written <c>ddd-dd-dddd</c>, a UK national
/// insurance number, a Spanish DNI or NIE with its check letter, an Italian codice fiscale with its check letter, a French
/// NIR (whole or in its groups) with its key; the machine-readable zone of a passport or identity card, by the check
/// digits of its dates (<see cref="MachineReadableZones"/>); the numbers of a cheque's MICR line (<see cref="MicrLines"/>).
/// </para>
/// <para>
/// Found after a label (<see cref="IdentityLabels"/>): any id with four or more digits after "SSN", "passport", "driver's
/// license", "national id", "tax id", "Steuer-ID", "employee id", "policy number", "customer number" and the like; a bank
/// account number of six or more digits after "account", "Kontonummer"; nine digits after "routing" or "ABA". After an
/// identity label also a document number of six to sixteen capitals and digits with no run of three digits
/// (<c>Reisepass-Nr. C2FFFYW70</c>), and an id with a letter prefix and a year joined by slashes (<c>UE/463366/2026</c>).
/// A label may stand a phrase before "is" or its like (<c>account number on the gas bill is …</c>: <see cref="LabelReader"/>).
/// </para>
/// </remarks>
public sealed class IdentityNumberDetector : ISensitiveDataDetector
{
    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Every form holds a run of three digits or more, but those printed in pairs of digits.
        Visitor visitor = new(spans);
        LongDigitRuns.Visit(text, ref visitor);
        for (int at = DigitPairGroups.Next(text, 0); at >= 0; at = DigitPairGroups.Next(text, at))
        {
            at = AtPairs(text, at, spans);
        }

        // And the document numbers that mix capitals and digits with no run of three ("C2FFFYW70"), the zones a scanner
        // reads from a passport, and a cheque's MICR line.
        for (int at = DocumentMarks.Next(text, 0); at >= 0; at = DocumentMarks.Next(text, at))
        {
            at = text[at] == '<' ? MachineReadableZones.At(text, at, spans)
                : DocumentMarks.IsMicrSymbol(text[at]) ? MicrLines.At(text, at, spans)
                : AtLetterDigitToken(text, at, spans);
        }
    }

    // No label of IdentityLabels fits fewer digits: the label look-ups of a shorter number are skipped.
    private const int MinLabelledDigits = 4;

    /// <summary>
    /// Reads the token of capitals and digits around a place where the two touch, and reports it after a label of an
    /// identity number when it has six to sixteen characters and no run of three digits (a token with one was read from
    /// that run). Returns where the next may start.
    /// </summary>
    private static int AtLetterDigitToken(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int start = at;
        while (start > 0 && (char.IsAsciiLetterUpper(text[start - 1]) || char.IsAsciiDigit(text[start - 1])))
        {
            start--;
        }

        int end = at;
        while (end < text.Length && (char.IsAsciiLetterUpper(text[end]) || char.IsAsciiDigit(text[end])))
        {
            end++;
        }

        // Part of a longer word ("R410A" in "R410Abc", a key's "_A1B2C3"), or not an id's length.
        if (end - start is < 6 or > 16 || HasRunOfThreeDigits(text[start..end])
            || (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] == '_'))
            || (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')))
        {
            return Math.Max(end, at + 1);
        }

        if (IdentityLabels.Reader.For(text, start, end) is { EntityType: EntityTypes.IdentityNumber })
        {
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.IdentityNumber, 0.85));
        }

        return end;
    }

    /// <summary>
    /// Reads a number in groups of two digits: a UK national insurance number between its letters (<c>AB 12 34 56 C</c>),
    /// or an id after its label (<c>sort code 12-34-56</c>). A number with a group of three digits or more was read from
    /// that group already. Returns where the next may start.
    /// </summary>
    private static int AtPairs(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        if (IdTokens.Read(text, at, 0, out int next) is not { Letters: 0 } id || id.Start != at)
        {
            return Math.Max(next, at + 1);
        }

        ReadOnlySpan<char> value = text[id.Start..id.End];
        if (HasRunOfThreeDigits(value) || IdTokens.IsPlaceholder(value))
        {
            return id.End;
        }

        if (TryAddSpacedNationalInsuranceNumber(text, id, spans))
        {
            return id.End + 2;
        }

        if (IdentityLabels.Reader.For(text, id.Start, id.End) is { } label && label.Fits(id.Digits))
        {
            spans.Add(new SensitiveSpan(id.Start, id.Length, label.EntityType!, 0.85));
        }

        return id.End;
    }

    // Such a token was read from its run by AtRun already.
    private static bool HasRunOfThreeDigits(ReadOnlySpan<char> value)
    {
        for (int k = 2; k < value.Length; k++)
        {
            if (char.IsAsciiDigit(value[k]) && char.IsAsciiDigit(value[k - 1]) && char.IsAsciiDigit(value[k - 2]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the id around a run of three or more digits and reports it; returns where the next may start.</summary>
    private static int AtRun(ReadOnlySpan<char> text, int run, int resume, ICollection<SensitiveSpan> spans)
    {
        if (IdTokens.Read(text, run, resume, out int next) is not { } id)
        {
            return next;
        }

        // A letter prefix joined by a hyphen or a slash belongs to the id ("TXN-456789", "EMP-5694", "UE/463366"); so does a
        // DNI's check letter after a hyphen ("12345678-Z"), and a number after a slash that follows such a prefix
        // ("UE/463366/2026", a contract number with its year).
        int start = id.Start;
        bool slashPrefix = false;
        if (start > 1 && text[start - 1] is '-' or '/' && char.IsAsciiLetter(text[start - 2]))
        {
            slashPrefix = text[start - 1] == '/';
            start--;
            while (start > resume && id.Start - start <= 6 && char.IsAsciiLetter(text[start - 1]))
            {
                start--;
            }
        }

        int end = id.End;
        if (id.Letters == 0 && end + 1 < text.Length && text[end] == '-' && char.IsAsciiLetterUpper(text[end + 1])
            && (end + 2 == text.Length || !char.IsAsciiLetterOrDigit(text[end + 2])))
        {
            end += 2;
            next = end;
        }

        // The number after a slash that follows a slashed letter prefix, for the labelled id only: a self-evident form
        // is read without it, and a number that goes on ("doc/123456/078-05-1120", an SSN) is no such suffix.
        int labelledEnd = end;
        if (slashPrefix && id.Letters == 0 && end == id.End && end + 1 < text.Length && text[end] == '/' && char.IsAsciiDigit(text[end + 1]))
        {
            int suffix = end + 1;
            while (suffix < text.Length && suffix - end <= 6 && char.IsAsciiDigit(text[suffix]))
            {
                suffix++;
            }

            if (suffix == text.Length || !(char.IsAsciiLetterOrDigit(text[suffix])
                || (text[suffix] is '-' or '/' or '.' or ',' && suffix + 1 < text.Length && char.IsAsciiDigit(text[suffix + 1]))))
            {
                labelledEnd = suffix;
            }
        }

        ReadOnlySpan<char> value = text[id.Start..id.End];
        if (IdTokens.IsPlaceholder(value))
        {
            return next;
        }

        if (id.Digits == 6 && TryAddSpacedNationalInsuranceNumber(text, id, spans))
        {
            return Math.Max(next, id.End + 2);
        }

        if (id.Letters > 0 ? IdentityForms.IsSelfEvident(value)
            : IdentityForms.IsSocialSecurityNumber(value)
                || (id.Digits == 15 && IsNir(value))
                || (end > id.End && IdentityForms.IsSelfEvident(string.Concat(value, text[(end - 1)..end]))))
        {
            spans.Add(new SensitiveSpan(id.Start, end - id.Start, EntityTypes.IdentityNumber, 0.9));
        }
        else if (id.Digits >= MinLabelledDigits && !IsYear(value) && IdentityLabels.Reader.For(text, start, labelledEnd) is { } label && label.Fits(id.Digits))
        {
            spans.Add(new SensitiveSpan(start, labelledEnd - start, label.EntityType!, 0.85));
            next = Math.Max(next, labelledEnd);
        }

        return next;
    }

    /// <summary>
    /// Whether six digits (<c>12 34 56</c> or <c>123456</c>) stand between a UK national insurance number's two prefix
    /// letters and its suffix letter, each a space apart (<c>AB 12 34 56 C</c>, <c>AB 123456 C</c>), and the whole passes
    /// as the compact form does; reports it from its first letter to its last.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool TryAddSpacedNationalInsuranceNumber(ReadOnlySpan<char> text, IdToken id, ICollection<SensitiveSpan> spans)
    {
        if (id.Digits != 6 || id.Letters != 0 || id.Start < 3 || text[id.Start - 1] != ' ' || id.End + 2 > text.Length || text[id.End] != ' '
            || (id.Start > 3 && char.IsAsciiLetterOrDigit(text[id.Start - 4]))
            || (id.End + 2 < text.Length && char.IsAsciiLetterOrDigit(text[id.End + 2])))
        {
            return false;
        }

        Span<char> compact = stackalloc char[9];
        compact[0] = text[id.Start - 3];
        compact[1] = text[id.Start - 2];
        IdTokens.DigitsOf(text[id.Start..id.End], compact[2..8]);
        compact[8] = text[id.End + 1];
        if (!IdentityForms.IsSelfEvident(compact))
        {
            return false;
        }

        spans.Add(new SensitiveSpan(id.Start - 3, id.Length + 5, EntityTypes.IdentityNumber, 0.9));
        return true;
    }

    // Apart, so that the buffer is no part of the frame of every call of AtRun.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsNir(ReadOnlySpan<char> value) => IdentityForms.IsFrenchSocialSecurityNumber(IdTokens.DigitsOf(value, stackalloc char[15]));

    // "license 2016", "policy 2024": a year after a label is no id.
    private static bool IsYear(ReadOnlySpan<char> value) => value.Length == 4 && value[0] is '1' or '2' && value[1] is '9' or '0';

    private readonly struct Visitor(ICollection<SensitiveSpan> spans) : ILongDigitRunVisitor
    {
        public int AtRun(ReadOnlySpan<char> text, int run, int resume) => IdentityNumberDetector.AtRun(text, run, resume, spans);
    }
}

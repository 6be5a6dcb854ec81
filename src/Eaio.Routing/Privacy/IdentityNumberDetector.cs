namespace Eaio.Routing;

/// <summary>
/// Finds a person's identity numbers (<see cref="EntityTypes.IdentityNumber"/>) and bank account numbers outside an IBAN
/// (<see cref="EntityTypes.BankAccount"/>).
/// </summary>
/// <remarks>
/// <para>
/// Found by their form and check digits alone: a US social security number written <c>ddd-dd-dddd</c>, a UK national
/// insurance number, a Spanish DNI or NIE with its check letter, an Italian codice fiscale with its check letter, a French
/// NIR (whole or in its groups) with its key.
/// </para>
/// <para>
/// Found after a label (<see cref="IdentityLabels"/>): any id with four or more digits after "SSN", "passport", "driver's
/// license", "national id", "tax id", "Steuer-ID", "employee id", "policy number", "customer number" and the like; a bank
/// account number of six or more digits after "account", "Kontonummer"; nine digits after "routing" or "ABA".
/// </para>
/// </remarks>
public sealed class IdentityNumberDetector : ISensitiveDataDetector
{
    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Every form holds a run of three digits or more.
        Visitor visitor = new(spans);
        LongDigitRuns.Visit(text, ref visitor);
    }

    /// <summary>Reads the id around a run of three or more digits and reports it; returns where the next may start.</summary>
    private static int AtRun(ReadOnlySpan<char> text, int run, int resume, ICollection<SensitiveSpan> spans)
    {
        if (IdTokens.Read(text, run, resume, out int next) is not { } id)
        {
            return next;
        }

        // A letter prefix joined by a hyphen belongs to the id ("TXN-456789", "EMP-5694"); so does a DNI's check letter
        // after one ("12345678-Z").
        int start = id.Start;
        if (start > 1 && text[start - 1] == '-' && char.IsAsciiLetter(text[start - 2]))
        {
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

        ReadOnlySpan<char> value = text[id.Start..id.End];
        if (IdTokens.IsPlaceholder(value))
        {
            return next;
        }

        if (id.Letters > 0 ? IdentityForms.IsSelfEvident(value)
            : IdentityForms.IsSocialSecurityNumber(value)
                || (id.Digits == 15 && IsNir(value))
                || (end > id.End && IdentityForms.IsSelfEvident(string.Concat(value, text[(end - 1)..end]))))
        {
            spans.Add(new SensitiveSpan(id.Start, end - id.Start, EntityTypes.IdentityNumber, 0.9));
        }
        else if (!IsYear(value) && IdentityLabels.Reader.For(text, start) is { } label && label.Fits(id.Digits))
        {
            spans.Add(new SensitiveSpan(start, end - start, label.EntityType!, 0.85));
        }

        return next;
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

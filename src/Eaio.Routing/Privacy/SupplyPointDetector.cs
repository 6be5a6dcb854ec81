namespace Eaio.Routing;

/// <summary>
/// Finds the ids utilities give a building's supply point, and its meter's number: one building's electricity or gas
/// connection, as identifying as its address.
/// </summary>
/// <remarks>
/// <para>
/// Found by their form alone (<see cref="EntityTypes.SupplyPoint"/> unless said otherwise): a German Zählpunktbezeichnung
/// (<c>DE</c> and 31 letters or digits), a Spanish CUPS with valid check letters, an Italian POD (<c>IT001E12345678</c>), a
/// Dutch or Belgian metering point's EAN code (18 digits from 871 or 54 with a valid GS1 check digit), and a meter number of
/// DIN 43863-5 (<c>1ESY1160123456</c>, <see cref="EntityTypes.Equipment"/>).
/// </para>
/// <para>
/// Found after a label (<see cref="SupplyPointLabels"/>): any number of six or more digits, whole, in groups or with letters,
/// after MPAN, MPRN, MaLo, Marktlokation, Zählpunkt, PDL, PRM, PCE, EAN, POD, PDR, CUPS, NMI, ESI ID, ICP, "supply point" or
/// "metering point"; a meter number of five or more digits after "meter number", "meter serial", Zählernummer, compteur
/// and the like. A decimal number or a percentage after a label is a quantity, not an id.
/// </para>
/// </remarks>
public sealed class SupplyPointDetector : ISensitiveDataDetector
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

        ReadOnlySpan<char> value = text[id.Start..id.End];
        if (IdTokens.IsPlaceholder(value))
        {
            return next;
        }

        if (id.Letters > 0 && SupplyPointForms.IsSelfEvident(value, out string form))
        {
            spans.Add(new SensitiveSpan(id.Start, id.Length, form, 0.9));
        }
        else if (id.Letters == 0 && id.Digits == 18 && IsEanCode(value))
        {
            spans.Add(new SensitiveSpan(id.Start, id.Length, EntityTypes.SupplyPoint, 0.9));
        }
        else if (id.Letters == 0 && id.Digits == 16 && SpacedCupsEnd(text, id) is int cupsEnd and > 0)
        {
            spans.Add(new SensitiveSpan(id.Start - 3, cupsEnd - id.Start + 3, EntityTypes.SupplyPoint, 0.9));
            return cupsEnd;
        }
        else if (Labelled(text, id) is { } labelled)
        {
            spans.Add(new SensitiveSpan(id.Start, id.Length, labelled, 0.85));
        }

        return next;
    }

    // Apart, so that the buffer is no part of the frame of every call of AtRun.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsEanCode(ReadOnlySpan<char> value) => SupplyPointForms.IsEanMeteringPoint(IdTokens.DigitsOf(value, stackalloc char[18]));

    /// <summary>Where a CUPS written in groups ends ("ES 0390 3638 1528 6040 CM"), or 0 when the number is not one.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int SpacedCupsEnd(ReadOnlySpan<char> text, IdToken id)
    {
        int end = id.End;
        if (id.Start < 3 || text[id.Start - 1] != ' ' || !text.Slice(id.Start - 3, 2).Equals("ES", StringComparison.OrdinalIgnoreCase)
            || (id.Start > 3 && char.IsAsciiLetterOrDigit(text[id.Start - 4]))
            || end + 3 > text.Length || text[end] != ' ' || !char.IsAsciiLetter(text[end + 1]) || !char.IsAsciiLetter(text[end + 2])
            || (end + 3 < text.Length && char.IsAsciiLetterOrDigit(text[end + 3])))
        {
            return 0;
        }

        Span<char> compact = stackalloc char[20];
        compact[0] = 'E';
        compact[1] = 'S';
        IdTokens.DigitsOf(text[id.Start..end], compact[2..18]);
        compact[18] = text[end + 1];
        compact[19] = text[end + 2];
        return SupplyPointForms.IsSelfEvident(compact, out _) ? end + 3 : 0;
    }

    /// <summary>The entity type a label in front gives the id, or <see langword="null"/> when no label fits it.</summary>
    private static string? Labelled(ReadOnlySpan<char> text, IdToken id) =>
        id.Digits >= 5
        && SupplyPointLabels.Reader.For(text, id.Start, id.End) is { } label
        && label.Fits(id.Digits)
            ? label.EntityType
            : null;

    private readonly struct Visitor(ICollection<SensitiveSpan> spans) : ILongDigitRunVisitor
    {
        public int AtRun(ReadOnlySpan<char> text, int run, int resume) => SupplyPointDetector.AtRun(text, run, resume, spans);
    }
}

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
    // Longer runs of letters and digits are not ids of any of these forms (a Zählpunkt has 33 characters).
    private const int MaxTokenLength = 40;

    // A labelled meter number or supply point id is no longer than a Zählpunkt written in groups.
    private const int MaxLabelledLength = 40;

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
        // The letters and digits the run is part of ("DE0001…", "IT001E…", "1ESY…").
        int letters = 0;
        int start = run;
        while (start > resume && run - start < MaxTokenLength && char.IsAsciiLetterOrDigit(text[start - 1]))
        {
            start--;
            letters += char.IsAsciiLetter(text[start]) ? 1 : 0;
        }

        int end = run;
        while (end < text.Length && end - start < MaxTokenLength && char.IsAsciiLetterOrDigit(text[end]))
        {
            letters += char.IsAsciiLetter(text[end]) ? 1 : 0;
            end++;
        }

        if ((start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])) || (end < text.Length && char.IsAsciiLetterOrDigit(text[end])))
        {
            // Part of a longer run: a hash, a key, a base64 blob, whatever it is, not one of these ids.
            return end;
        }

        if (letters > 0)
        {
            ReadOnlySpan<char> token = text[start..end];
            if (SupplyPointForms.IsSelfEvident(token, out string entityType))
            {
                spans.Add(new SensitiveSpan(start, end - start, entityType, 0.9));
            }
            else if (Labelled(text, start, token.Length, token.Length - letters) is { } labelled)
            {
                spans.Add(new SensitiveSpan(start, end - start, labelled, 0.85));
            }

            return end;
        }

        // A number, perhaps in groups ("12 3456 7890 123", "871687-400012-345678"): from the first group, which may be
        // shorter than three digits, to the last.
        int digits = end - start;
        int first = start;
        while (first >= 2 && first - 1 > resume && text[first - 1] is ' ' or '-' && char.IsAsciiDigit(text[first - 2]) && end - first < MaxTokenLength)
        {
            first--;
            while (first > 0 && char.IsAsciiDigit(text[first - 1]))
            {
                first--;
                digits++;
            }
        }

        int last = end;
        while (last + 1 < text.Length && text[last] is ' ' or '-' && char.IsAsciiDigit(text[last + 1]) && last - first < MaxTokenLength)
        {
            last++;
            while (last < text.Length && char.IsAsciiDigit(text[last]))
            {
                last++;
                digits++;
            }
        }

        if ((first > 0 && char.IsAsciiLetter(text[first - 1])) || (last < text.Length && char.IsAsciiLetter(text[last]))
            || IsQuantity(text, last) || (first > 1 && text[first - 1] is '.' or ',' && char.IsAsciiDigit(text[first - 2])))
        {
            return last;
        }

        if (digits == 18 && SupplyPointForms.IsEanMeteringPoint(DigitsOf(text[first..last], stackalloc char[18])))
        {
            spans.Add(new SensitiveSpan(first, last - first, EntityTypes.SupplyPoint, 0.9));
        }
        else if (Labelled(text, first, last - first, digits) is { } labelled)
        {
            spans.Add(new SensitiveSpan(first, last - first, labelled, 0.85));
        }

        return last;
    }

    /// <summary>The digits of a number written in groups, into <paramref name="buffer"/>, which has room for exactly them.</summary>
    private static ReadOnlySpan<char> DigitsOf(ReadOnlySpan<char> number, Span<char> buffer)
    {
        int count = 0;
        foreach (char c in number)
        {
            if (char.IsAsciiDigit(c))
            {
                buffer[count++] = c;
            }
        }

        return buffer;
    }

    /// <summary>The entity type a label in front gives the id, or <see langword="null"/> when no label fits it.</summary>
    private static string? Labelled(ReadOnlySpan<char> text, int start, int length, int digits) =>
        digits >= 5 && length <= MaxLabelledLength && SupplyPointLabels.Reader.Before(text, start) is { } label && label.Fits(digits)
            ? label.EntityType
            : null;

    /// <summary>Whether a number ends as a quantity does: a decimal part ("1234.5", "1.234,5") or a percent sign. One that starts
    /// after a decimal point is the decimal part itself.</summary>
    private static bool IsQuantity(ReadOnlySpan<char> text, int end) =>
        end < text.Length
        && ((text[end] is '.' or ',' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))
            || text[end] == '%' || (text[end] == ' ' && end + 1 < text.Length && text[end + 1] == '%'));

    private readonly struct Visitor(ICollection<SensitiveSpan> spans) : ILongDigitRunVisitor
    {
        public int AtRun(ReadOnlySpan<char> text, int run, int resume) => SupplyPointDetector.AtRun(text, run, resume, spans);
    }
}

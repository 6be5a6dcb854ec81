using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Eaio.Routing;

/// <summary>Finds IPv4 addresses (dotted quad, each part 0-255) and IPv6 addresses (anything <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/> accepts as IPv6).</summary>
/// <remarks>
/// The unspecified addresses <c>0.0.0.0</c> and <c>::</c> are not reported: they name no host. Version strings
/// such as <c>1.2.3.4</c> are reported; they cannot be told apart from addresses by their form.
/// </remarks>
public sealed class IpAddressDetector : ISensitiveDataDetector
{
    private static readonly SearchValues<char> DigitsAndColon = SearchValues.Create("0123456789:");

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Scan maximal runs of [0-9A-Za-z.:]; a run is a candidate address once trailing punctuation is trimmed.
        // Scanning runs rather than using a regex lets IPAddress do the validation for both families.
        // A run without a digit or a colon holds no address, so only runs around one are inspected.
        int i = 0;
        while (i < text.Length)
        {
            int found = text[i..].IndexOfAny(DigitsAndColon);
            if (found < 0)
            {
                break;
            }

            int start = i + found;
            while (start > i && IsRunChar(text[start - 1]))
            {
                start--;
            }

            i = start;
            while (i < text.Length && IsRunChar(text[i]))
            {
                i++;
            }

            Inspect(text, start, i, spans);
        }
    }

    private static void Inspect(ReadOnlySpan<char> text, int start, int end, ICollection<SensitiveSpan> spans)
    {
        ReadOnlySpan<char> run = text[start..end];
        int colons = run.Count(':');
        if (colons >= 2)
        {
            ReadOnlySpan<char> trimmed = run.TrimEnd('.');
            if (trimmed.EndsWith(":", StringComparison.Ordinal) && !trimmed.EndsWith("::", StringComparison.Ordinal))
            {
                trimmed = trimmed[..^1];
            }

            if (IPAddress.TryParse(trimmed, out IPAddress? address)
                && address.AddressFamily == AddressFamily.InterNetworkV6
                && !address.Equals(IPAddress.IPv6Any))
            {
                spans.Add(new SensitiveSpan(start, trimmed.Length, EntityTypes.IpAddress, 0.9));
            }

            return;
        }

        // IPv4 may be glued to a word ("IP is192.168.1.1"), so look for dotted quads anywhere in the run,
        // each starting after a non-digit.
        for (int i = 0; i < run.Length; i++)
        {
            if (!char.IsAsciiDigit(run[i]) || (i > 0 && (char.IsAsciiDigit(run[i - 1]) || run[i - 1] == '.')))
            {
                continue;
            }

            if (TryReadIPv4(run[i..], out int length, out bool unspecified))
            {
                if (!unspecified)
                {
                    spans.Add(new SensitiveSpan(start + i, length, EntityTypes.IpAddress, 0.85));
                }

                i += length;
            }
        }
    }

    private static bool TryReadIPv4(ReadOnlySpan<char> s, out int length, out bool unspecified)
    {
        length = 0;
        unspecified = true;
        int pos = 0;
        for (int part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (pos >= s.Length || s[pos] != '.')
                {
                    return false;
                }

                pos++;
            }

            int digitsStart = pos;
            int value = 0;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]) && pos - digitsStart < 4)
            {
                value = (value * 10) + (s[pos] - '0');
                pos++;
            }

            int digits = pos - digitsStart;

            // Leading zeros ("010") are rejected: they read as octal in some parsers and rarely appear in addresses.
            if (digits is 0 or > 3 || value > 255 || (digits > 1 && s[digitsStart] == '0'))
            {
                return false;
            }

            unspecified &= value == 0;
        }

        // The quad must end the number: "1.2.3.4.5" or "1.2.3.4a" is something else.
        if (pos < s.Length && (char.IsAsciiLetterOrDigit(s[pos]) || (s[pos] == '.' && pos + 1 < s.Length && char.IsAsciiDigit(s[pos + 1]))))
        {
            return false;
        }

        length = pos;
        return true;
    }

    private static bool IsRunChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or ':';
}

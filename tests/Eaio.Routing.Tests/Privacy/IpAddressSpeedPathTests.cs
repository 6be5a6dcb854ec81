using System.Net;
using System.Net.Sockets;
using CsCheck;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// <see cref="IpAddressDetector"/> inspects only the runs around a colon or a dot between digits, found sixteen characters
/// at a time; it must find what inspecting every run with a digit or a colon found.
/// </summary>
[TestFixture]
public sealed class IpAddressSpeedPathTests
{
    private static readonly System.Buffers.SearchValues<char> DigitsAndColon = System.Buffers.SearchValues.Create("0123456789:");

    [Test]
    public void Anchor_search_matches_a_plain_scan_at_every_position_and_length()
    {
        for (int length = 0; length <= 70; length++)
        {
            for (int at = 0; at < length; at++)
            {
                foreach (string anchor in new[] { ":", "1.2", ".2", "1." })
                {
                    // Digits and dots that are no anchor around: "a.b", "1 .", ". 2".
                    char[] chars = [.. Enumerable.Range(0, length).Select(k => "7 b.a .9x"[k % 9])];
                    for (int k = 0; k < anchor.Length && at + k < length; k++)
                    {
                        chars[at + k] = anchor[k];
                    }

                    string text = new(chars);
                    for (int from = 0; from <= length; from += 3)
                    {
                        Assert.That(IpAddressDetector.IndexOfAnchor(text, from), Is.EqualTo(Plain(text, from)), $"'{text}' from {from}");
                    }
                }
            }
        }

        static int Plain(string text, int from)
        {
            for (int i = from; i < text.Length; i++)
            {
                if (text[i] == ':' || (text[i] == '.' && i > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1])))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    [Test]
    public void Finds_what_inspecting_every_run_with_a_digit_or_colon_found_on_generated_text()
    {
        Gen<string> piece = Gen.Frequency(
            (10, Gen.Char["0123456789..::abfAF -x@,%"].Select(c => c.ToString())),
            (2, Gen.OneOf("192.168.1.77", "10.0.0.1", "0.0.0.0", "8.8.8.8", "255.256.1.1", "010.1.1.1", "1.2.3.4.5", "fe80::1", "2001:db8::7", "::", "::1", "2606:4700:4700::1111", "a:b:c:d:e:f:a:b", "::ffff:10.1.2.3", "IP is", "v1.2.3")));
        Gen<string> texts = piece.Array[0, 30].Select(string.Concat);
        IpAddressDetector detector = new();
        texts.Sample(
            text =>
            {
                List<SensitiveSpan> found = [];
                detector.Detect(text, found);
                return found.SequenceEqual(EveryRun(text));
            },
            iter: 20_000);
    }

    /// <summary>The detector as it was before the anchor search: every run with a digit or a colon is inspected.</summary>
    private static List<SensitiveSpan> EveryRun(string text)
    {
        List<SensitiveSpan> spans = [];
        int i = 0;
        while (i < text.Length)
        {
            int found = text.AsSpan(i).IndexOfAny(DigitsAndColon);
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

        return spans;
    }

    private static void Inspect(string text, int start, int end, List<SensitiveSpan> spans)
    {
        ReadOnlySpan<char> run = text.AsSpan(start, end - start);
        if (run.Count(':') >= 2)
        {
            ReadOnlySpan<char> trimmed = run.TrimEnd('.');
            if (trimmed.EndsWith(":", StringComparison.Ordinal) && !trimmed.EndsWith("::", StringComparison.Ordinal))
            {
                trimmed = trimmed[..^1];
            }

            if (IPAddress.TryParse(trimmed, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
                && !address.Equals(IPAddress.IPv6Any) && !IpAddressDetector.IsPublicResolver(address))
            {
                spans.Add(new SensitiveSpan(start, trimmed.Length, EntityTypes.IpAddress, 0.9));
            }

            return;
        }

        for (int i = 0; i < run.Length; i++)
        {
            if (!char.IsAsciiDigit(run[i]) || (i > 0 && (char.IsAsciiDigit(run[i - 1]) || run[i - 1] == '.')))
            {
                continue;
            }

            int length = QuadLength(run[i..], out uint value);
            if (length > 0)
            {
                if (value != 0 && !IpAddressDetector.IsPublicResolver(new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value])))
                {
                    spans.Add(new SensitiveSpan(start + i, length, EntityTypes.IpAddress, 0.85));
                }

                i += length;
            }
        }
    }

    private static int QuadLength(ReadOnlySpan<char> s, out uint address)
    {
        address = 0;
        int pos = 0;
        for (int part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (pos >= s.Length || s[pos] != '.')
                {
                    return 0;
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
            if (digits is 0 or > 3 || value > 255 || (digits > 1 && s[digitsStart] == '0'))
            {
                return 0;
            }

            address = (address << 8) | (uint)value;
        }

        bool continues = pos < s.Length && (char.IsAsciiLetterOrDigit(s[pos]) || (s[pos] == '.' && pos + 1 < s.Length && char.IsAsciiDigit(s[pos + 1])));
        return continues ? 0 : pos;
    }

    private static bool IsRunChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or ':';
}

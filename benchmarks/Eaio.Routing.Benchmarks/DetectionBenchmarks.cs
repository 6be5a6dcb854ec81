using System.Text;
using BenchmarkDotNet.Attributes;
using Eaio.Routing;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Cost of the built-in detectors (<see cref="SensitiveDataScanner.CreateDefault"/>) on a 200-character prompt and on
/// an 8 KB English energy-management prompt with a few entities per KB, and of each detector alone on the 8 KB prompt.
/// </summary>
[MemoryDiagnoser]
public class DetectionBenchmarks
{
    private readonly List<SensitiveSpan> _spans = new(64);
    private SensitiveDataScanner _scanner = null!;
    private ISensitiveDataDetector _bdg2BuildingId = null!;
    private ISensitiveDataDetector _supplyPoint = null!;
    private ISensitiveDataDetector _identityNumber = null!;
    private string _short = string.Empty;
    private string _long = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _scanner = SensitiveDataScanner.CreateDefault();

        // Found by type, not position: other detectors may join the default list before it.
        _bdg2BuildingId = _scanner.Detectors.OfType<Bdg2BuildingIdDetector>().Single();
        _supplyPoint = _scanner.Detectors.OfType<SupplyPointDetector>().Single();
        _identityNumber = _scanner.Detectors.OfType<IdentityNumberDetector>().Single();
        _short = BuildPrompt(200);
        _long = BuildPrompt(8192);
    }

    [Benchmark(Description = "scan, 200 chars")]
    public int ScanShort() => _scanner.Scan(_short).Spans.Count;

    [Benchmark(Description = "scan, 8 KB")]
    public int ScanLong() => _scanner.Scan(_long).Spans.Count;

    [Benchmark(Description = "Readings, 8 KB")]
    public int Readings() => Run(0);

    [Benchmark(Description = "Email, 8 KB")]
    public int Email() => Run(1);

    [Benchmark(Description = "Phone, 8 KB")]
    public int Phone() => Run(2);

    [Benchmark(Description = "IpAddress, 8 KB")]
    public int IpAddress() => Run(3);

    [Benchmark(Description = "PaymentCard, 8 KB")]
    public int PaymentCard() => Run(4);

    [Benchmark(Description = "Iban, 8 KB")]
    public int Iban() => Run(5);

    [Benchmark(Description = "Secret, 8 KB")]
    public int Secret() => Run(6);

    [Benchmark(Description = "Coordinates, 8 KB")]
    public int Coordinates() => Run(7);

    [Benchmark(Description = "StreetAddress, 8 KB")]
    public int StreetAddress() => Run(8);

    [Benchmark(Description = "Bdg2BuildingId, 8 KB")]
    public int Bdg2BuildingId() => Run(_bdg2BuildingId);

    [Benchmark(Description = "SupplyPoint, 8 KB")]
    public int SupplyPoint() => Run(_supplyPoint);

    [Benchmark(Description = "IdentityNumber, 8 KB")]
    public int IdentityNumber() => Run(_identityNumber);

    private int Run(int detector) => Run(_scanner.Detectors[detector]);

    private int Run(ISensitiveDataDetector detector)
    {
        _spans.Clear();
        detector.Detect(_long, _spans);
        return _spans.Count;
    }

    /// <summary>
    /// Facility-manager prose about heating, cooling and metering; about every third sentence carries one value
    /// (e-mail, phone, address, coordinates, IP address, a short series of readings), so a few entities per KB.
    /// </summary>
    internal static string BuildPrompt(int length)
    {
        string[] plain =
        [
            "The chiller plant ran at 78 % of rated capacity during the afternoon peak, and the supply water temperature drifted up by 1.5 degrees. ",
            "Please compare the heating demand of the east wing with last winter; the boiler cycled more often than the schedule suggests. ",
            "Our energy manager wants a short summary of where the ventilation runs outside occupied hours and what that costs per month. ",
            "The tenant on the third floor reported that the meeting rooms are too warm after 3 pm, even with the blinds down. ",
            "Can you suggest setpoint changes for the weekend that keep the server room below 24 degrees while saving energy? ",
            "The gas bill for March was 14 % higher than February although the degree days were lower, which needs an explanation. ",
        ];
        string[] sensitive =
        [
            "If anything is unclear, write to facilities.team@northwind-energy.com or call 415-555-0132 before Friday. ",
            "The plant room is at 742 Evergreen Terrace, and the rooftop units sit at 37.7749 N, 122.4194 W. ",
            "The building controller answers on 10.20.30.41 and the meter gateway on 192.168.1.77. ",
            "Meter readings: 2024-03-01 00:00,41.2 2024-03-01 00:15,40.8 2024-03-01 00:30,39.9 kWh. ",
            "The contractor, reachable at +44 20 7946 0958, will invoice the site at 1600 Pennsylvania Ave NW. ",
        ];
        var builder = new StringBuilder(length + 200);
        int k = 0;
        while (builder.Length < length)
        {
            builder.Append(k % 3 == 2 ? sensitive[(k / 3) % sensitive.Length] : plain[k % plain.Length]);
            k++;
        }

        return builder.ToString(0, length);
    }
}

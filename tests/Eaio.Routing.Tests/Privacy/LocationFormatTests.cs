using System.Globalization;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// The location formats beyond the basic ones: coordinates in labelled, structured, map-link and degree-minute forms,
/// and street addresses and postcodes from several countries, each generated from random values or parts; plus benign
/// energy-management text that must stay clean.
/// </summary>
[TestFixture]
public sealed class LocationFormatTests
{
    private const int Samples = 40;

    /// <summary>A coordinate format: renders a latitude and longitude, and says which substrings are the values.</summary>
    /// <param name="Name">The format's name, for messages.</param>
    /// <param name="Render">Returns the text and the values a span must cover, in order.</param>
    /// <param name="Generalizes">Whether rounding the reported span to 0.1° leaves nothing the guard blocks.</param>
    public sealed record CoordinateFormat(string Name, Func<double, double, (string Text, string[] Values)> Render, bool Generalizes = true)
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    public static IEnumerable<CoordinateFormat> CoordinateFormats()
    {
        yield return new("bare pair, 5 decimals", (lat, lon) => Pair("The rooftop PV array sits at {0}, {1} and faces south.", F(lat, 5), F(lon, 5)));
        yield return new("bare pair, 3 decimals with context", (lat, lon) => Pair("Site coordinates are {0}, {1} for the survey.", F(lat, 3), F(lon, 3)));
        yield return new("bare pair, 3 decimals, west", (lat, lon) => Pair("Meet the auditor at {0}, {1} tomorrow.", F(lat, 3), F(-Math.Abs(lon) - 1, 3)));
        yield return new("bare pair with altitude", (lat, lon) => Pair("Weather station: {0}, {1}, 35", F(lat, 4), F(lon, 4)));
        yield return new("semicolon pair", (lat, lon) => Pair("GNSS fix {0}; {1}", F(lat, 6), F(lon, 6)));
        yield return new("hemisphere letters", (lat, lon) => Hemisphere(lat, lon));
        yield return new("JSON lat/lng", (lat, lon) => Pair("{{\"site\": \"A\", \"lat\": {0}, \"lng\": {1}}}", F(lat, 4), F(lon, 4)));
        yield return new("JSON latitude/longitude", (lat, lon) => Pair("{{\n  \"latitude\": {0},\n  \"longitude\": {1}\n}}", F(lat, 5), F(lon, 5)));
        yield return new("JSON strings", (lat, lon) => Pair("{{\"Latitude\":\"{0}\",\"Longitude\":\"{1}\"}}", F(lat, 6), F(lon, 6)));
        yield return new("YAML", (lat, lon) => Pair("site:\n  latitude: {0}\n  longitude: {1}\n", F(lat, 4), F(lon, 4)));
        yield return new("query string", (lat, lon) => Pair("GET /api/weather?lat={0}&lon={1}&units=metric", F(lat, 4), F(lon, 4)));
        yield return new("OpenStreetMap marker", (lat, lon) => Pair("https://www.openstreetmap.org/?mlat={0}&mlon={1}", F(lat, 5), F(lon, 5)));
        yield return new("XML elements", (lat, lon) => Pair("<site><lat>{0}</lat><lon>{1}</lon></site>", F(lat, 4), F(lon, 4)));
        yield return new("XML attributes", (lat, lon) => Pair("<point lat=\"{0}\" lon=\"{1}\"/>", F(lat, 5), F(lon, 5)));
        yield return new("longitude first", (lat, lon) => Pair("lng: {1}, lat: {0}", F(lat, 4), F(lon, 4)));
        yield return new("camelCase keys", (lat, lon) => Pair("siteLat={0}, siteLng={1}", F(lat, 4), F(lon, 4)));
        yield return new("lat / lng label", (lat, lon) => Pair("lat / lng: {0} / {1}", F(lat, 2), F(lon, 2)));
        yield return new("Lat/Long label", (lat, lon) => Pair("Lat/Long: {0}, {1}", F(lat, 4), F(lon, 4)));
        yield return new("GeoJSON", (lat, lon) => Pair("{{\"type\": \"Point\", \"coordinates\": [{1}, {0}]}}", F(lat, 5), F(lon, 5)));
        yield return new("Google Maps @", (lat, lon) => Pair("https://www.google.com/maps/place/Plant/@{0},{1},17z/data=x", F(lat, 7), F(lon, 7)));
        yield return new("Google Maps q=", (lat, lon) => Pair("https://maps.google.com/?q={0},{1}", F(lat, 6), F(lon, 6)));
        yield return new("Apple Maps ll=", (lat, lon) => Pair("https://maps.apple.com/?ll={0},{1}&z=16", F(lat, 5), F(lon, 5)));
        yield return new("OpenStreetMap #map=", (lat, lon) => Pair("https://www.openstreetmap.org/#map=17/{0}/{1}", F(lat, 4), F(lon, 4)));
        yield return new("geo: URI", (lat, lon) => Pair("Open geo:{0},{1};u=35 on the phone.", F(lat, 6), F(lon, 6)));
        yield return new("Google data !3d!4d", (lat, lon) => Pair("/data=!3m1!4b1!4m5!3m4!1s0x0:0x0!8m2!3d{0}!4d{1}", F(lat, 7), F(lon, 7)));
        yield return new("degrees and decimal minutes", (lat, lon) => Whole(DegreesMinutes(lat, lon, marks: true)));
        yield return new("degrees and decimal minutes, hemisphere first", (lat, lon) => Whole(DegreesMinutesFirst(lat, lon)), Generalizes: false);
        yield return new("degrees, minutes and seconds", (lat, lon) => Whole(Dms(lat, lon)));
        yield return new("photo metadata, one coordinate a line", (lat, lon) => Exif(lat, lon), Generalizes: false);
        yield return new("NMEA sentence", (lat, lon) => Nmea(lat, lon), Generalizes: false);
    }

    [TestCaseSource(nameof(CoordinateFormats))]
    public void Coordinates_found_in_every_format(CoordinateFormat format)
    {
        Random random = new(format.Name.Length * 7919);
        for (int i = 0; i < Samples; i++)
        {
            (double lat, double lon) = RandomPoint(random);
            (string text, string[] values) = format.Render(lat, lon);
            List<SensitiveSpan> spans = Spans(new CoordinatesDetector(), text);
            AssertCovers(text, spans, values);
        }
    }

    [TestCaseSource(nameof(CoordinateFormats))]
    public async Task Coordinates_in_every_format_generalise_to_a_tenth_of_a_degree(CoordinateFormat format)
    {
        Random random = new(format.Name.Length * 104729);
        for (int i = 0; i < 10; i++)
        {
            (double lat, double lon) = RandomPoint(random);
            (string text, string[] values) = format.Render(lat, lon);
            string generalised = await Generalize(text);
            foreach (string value in values.Where(v => v.Count(char.IsAsciiDigit) >= 5))
            {
                Assert.That(generalised, Does.Not.Contain(value), $"{text} -> {generalised}");
            }

            if (format.Generalizes)
            {
                EgressGuard guard = new([new CoordinatesDetector()]);
                Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, generalised)], null), $"{text} -> {generalised}");
            }
        }
    }

    [TestCase("lat: 28.51, lng: -81.37", "28.51, lng: -81.37")]
    [TestCase("{\"lat\": 51.5074, \"lng\": -0.1278}", "51.5074|-0.1278")]
    [TestCase("lat=40.7128&lon=-74.0060", "40.7128|-74.0060")]
    [TestCase("<lat>51.5074</lat><lon>-0.1278</lon>", "51.5074|-0.1278")]
    [TestCase("lat / lng: 51.50 / -0.12", "51.50 / -0.12")]
    [TestCase("51° 30.444' N, 0° 7.668' W", "51° 30.444' N, 0° 7.668' W")]
    [TestCase("N 51 30.444 W 000 07.668", "N 51 30.444 W 000 07.668")]
    [TestCase("N 51° 30.444 W 000° 07.668", "N 51° 30.444 W 000° 07.668")]
    [TestCase("see https://www.google.com/maps/@51.5074,-0.1278,17z", "51.5074,-0.1278")]
    [TestCase("https://maps.google.com/?q=51.5074,-0.1278", "51.5074,-0.1278")]
    [TestCase("https://maps.google.com/maps?ll=51.5074,-0.1278&z=14", "51.5074,-0.1278")]
    [TestCase("https://www.openstreetmap.org/#map=17/51.5074/-0.1278", "51.5074/-0.1278")]
    [TestCase("geo:51.5074,-0.1278", "51.5074,-0.1278")]
    [TestCase("the logger sits at 51.5074, -0.1278, 35 on the roof", "51.5074, -0.1278")]
    [TestCase("Site at 40.713, -74.006.", "40.713, -74.006")]
    [TestCase("GPS location: 40.713, 74.006", "40.713, 74.006")]
    [TestCase("latitude: 51.5074", "51.5074")]
    [TestCase("37°46'29.6\"N 122°25'9.8\"W", "37°46'29.6\"N 122°25'9.8\"W")]
    public void Coordinates_examples(string text, string expected)
        => Assert.That(Found(new CoordinatesDetector(), text), Is.EqualTo(expected.Split('|')));

    [TestCase("2016-03-01 00:00:00,12.5,13.2")]
    [TestCase("kWh per meter: 12.345, 13.456")]
    [TestCase("Table 4: consumption 12.345, 13.456 kWh")]
    [TestCase("| meter | kWh |\n| A | 12.345, 13.456 |")]
    [TestCase("Readings 12.345, 13.456\n13.111, 14.222\n15.333, 16.444")]
    [TestCase("Upgrade the BMS firmware from 1.2.3 to 1.2.4 before the audit.")]
    [TestCase("The design follows ASHRAE 90.1-2019 and ASHRAE 62.1-2016.")]
    [TestCase("Prices were $12.345, $13.456 per MWh; a 12.5% rise.")]
    [TestCase("Efficiency rose 12.345%, 13.456% year on year.")]
    [TestCase("The Carrier 30XA-0802 chiller and the 19XR-1234 run at 0.512, 0.634 kW/ton.")]
    [TestCase("Correlation of load and temperature: 0.912, -0.345.")]
    [TestCase("Supply 12.345, -3.456 °C at the coil.")]
    [TestCase("Baseline 2016-03-01 00:00:00,1.1356,11.0913,4.2")]
    [TestCase("The HVAC plant calculates ventilation rates; latest value 12.345, 13.456.")]
    [TestCase("How long: 12.345 s; latency 13.456 ms.")]
    [TestCase("The regression gave lat 12 and lon 45 as coarse inputs.")]
    [TestCase("around latitude 37 north and longitude 122 west")]
    [TestCase("lat: 51.5, lng: -0.1")] // already as coarse as a generalised value
    [TestCase("Invoice INV-2024-0042 for 1,234.567 kWh, 12 % VAT.")]
    [TestCase("Site_A,Office,508.8,5477.0,28.5176885788321,-81.3790387999998,US/Eastern")]
    [TestCase("Use Python 3.11.4 and pandas 2.2.123 on server 10.20.30.41.")]
    [TestCase("The COP was 3.456 at 12.345 degrees and 4.012 at 7.250 degrees.")]
    public void Benign_energy_text_has_no_coordinates(string text)
        => Assert.That(Found(new CoordinatesDetector(), text), Is.Empty);

    [TestCase("lat: COORDINATES_1, lng: COORDINATES_2")]
    [TestCase("{\"lat\": \"COORDINATES_1\", \"lng\": \"[REDACTED_COORDINATES]\"}")]
    [TestCase("https://www.google.com/maps/@COORDINATES_1,17z and geo:COORDINATES_2")]
    [TestCase("Site at [REDACTED_COORDINATES] and ADDRESS_1, postcode ADDRESS_2.")]
    public void Placeholders_are_never_reported(string text)
    {
        Assert.That(Found(new CoordinatesDetector(), text), Is.Empty);
        Assert.That(Found(new StreetAddressDetector(), text), Is.Empty);
    }

    private static readonly string[] s_names = ["Baker", "Maple", "Hollis", "Cedar", "Kingsley", "Harbour", "Willow", "Ashford", "Lincoln", "Brook"];
    private static readonly string[] s_germanNames = ["Haupt", "Friedrich", "Linden", "Goethe", "Bahnhof", "Schiller", "Mozart", "Kirch"];
    private static readonly string[] s_dutchNames = ["Keizers", "Heren", "Prinsen", "Singel", "Kalver", "Leidse"];
    private static readonly string[] s_southernNames = ["Mayor", "Roma", "Garibaldi", "Augusta", "Alcalá", "Verdi", "Colón", "Dante"];
    private static readonly string[] s_frenchNames = ["Rivoli", "la Paix", "Vaugirard", "Foch", "Haussmann", "Victor Hugo"];
    private static readonly (string Letters, int Digits, string City)[] s_countryPostcodes =
        [("L", 4, "Luxembourg"), ("CH", 4, "Zürich"), ("D", 5, "Berlin"), ("A", 4, "Wien"), ("F", 5, "Paris"), ("B", 4, "Bruxelles"), ("I", 5, "Roma"), ("DK", 4, "København"), ("FI", 5, "Helsinki")];

    /// <summary>An address format: renders an address from a random source, and says which substrings must be covered.</summary>
    /// <param name="Name">The format's name, for messages.</param>
    /// <param name="Render">Returns the text and the values a span must cover.</param>
    public sealed record AddressFormat(string Name, Func<Random, (string Text, string[] Values)> Render)
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    public static IEnumerable<AddressFormat> AddressFormats()
    {
        yield return new("US abbreviated", r => One("Ship it to {0}, please.", $"{House(r)} {Pick(r, s_names)} {Pick(r, ["St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Pkwy"])}"));
        yield return new("US with suite", r => One("Our office is {0}, Springfield.", $"{House(r)} {Pick(r, s_names)} Avenue, Suite {r.Next(100, 999)}"));
        yield return new("US numbered street", r => One("The depot at {0} closes at six.", $"{House(r)} {Ordinal(r.Next(1, 60))} {Pick(r, ["St", "Street", "Ave", "Avenue"])}"));
        yield return new("lower case", r => One("send the meter to {0} by friday", $"{House(r)} {Pick(r, s_names).ToLowerInvariant()} {Pick(r, ["street", "road", "lane", "avenue"])}"));
        yield return new("lower case with apartment", r => One("i live at {0} now", $"{House(r)} {Pick(r, s_names).ToLowerInvariant()} street, apt {r.Next(1, 40)}{(char)r.Next('A', 'F')}"));
        yield return new("UK street and postcode", r =>
        {
            string street = $"{r.Next(1, 200)} {Pick(r, s_names)} {Pick(r, ["Street", "Road", "Lane", "Gardens"])}";
            string postcode = Postcode(r);
            return ($"Deliver to {street}, London {postcode} on Monday.", [street, postcode]);
        });
        yield return new("UK postcode alone", r => One("The substation serving {0} tripped twice.", Postcode(r)));
        yield return new("UK postcode lower case", r => One("my postcode is {0} if that helps", Postcode(r).ToLowerInvariant()));
        yield return new("German compound", r => One("Lieferung an {0}, 10115 Berlin.", $"{Pick(r, s_germanNames)}{Pick(r, ["straße", "strasse", "str.", "weg", "platz", "allee"])} {r.Next(1, 180)}"));
        yield return new("German two words", r => One("Zähler in der {0} prüfen.", $"{Pick(r, ["Berliner", "Hamburger", "Lange", "Alte"])} Straße {r.Next(1, 180)}{Pick(r, ["", "a", "b"])}"));
        yield return new("Dutch", r => One("Het kantoor is {0}, Amsterdam.", $"{Pick(r, s_dutchNames)}{Pick(r, ["gracht", "straat", "laan", "plein"])} {r.Next(1, 600)}"));
        yield return new("Spanish and Italian", r => One("La oficina está en {0}, 28013.", $"{Pick(r, ["Calle", "Avenida", "Via", "Piazza", "Rua", "Paseo"])} {Pick(r, s_southernNames)} {r.Next(1, 300)}"));
        yield return new("French", r => One("Le bureau est au {0}, 75001 Paris.", $"{r.Next(1, 200)} {Pick(r, ["rue de", "avenue", "boulevard", "place de"])} {Pick(r, s_frenchNames)}"));
        yield return new("French capitalised", r => One("Send the invoice to {0} before noon.", $"{r.Next(1, 200)} {Pick(r, ["Rue de", "Avenue", "Boulevard", "Place de", "Quai de", "Rue", "Impasse"])} {Pick(r, s_frenchNames)}"));
        yield return new("Country letters before the postcode", r =>
        {
            (string letters, int digits, string city) = s_countryPostcodes[r.Next(s_countryPostcodes.Length)];
            string code = $"{letters}-{r.Next((int)Math.Pow(10, digits - 1), (int)Math.Pow(10, digits))}";
            string street = $"{Pick(r, s_germanNames)}{Pick(r, ["strasse", "straße", "weg", "gasse"])} {r.Next(1, 120)}";
            return ($"Adresse: {street}, {code} {city}.", [street, $"{code} {city}"]);
        });
        yield return new("Brazilian CEP", r =>
        {
            string cep = $"{r.Next(10000, 99999):D5}-{r.Next(0, 999):D3}";
            string street = $"{Pick(r, ["Rua", "Av.", "Avenida"])} {Pick(r, s_southernNames)}, {r.Next(1, 3000)}";
            return ($"Endereço: {street} - Centro, São Paulo - {Pick(r, ["SP", "RJ", "MG"])}, {cep}", [street, cep]);
        });
        yield return new("Indian PIN", r =>
        {
            string pin = $"{r.Next(1, 9)}{r.Next(0, 99999):D5}";
            string line = $"{Pick(r, ["No.", "Flat", "Plot"])} {r.Next(1, 400)}, {Ordinal(r.Next(1, 20))} Cross, {Pick(r, ["Indiranagar", "Koramangala", "Andheri West"])}, {Pick(r, ["Bengaluru", "Mumbai", "Karnataka", "Pune"])} {Pick(r, ["", "- "])}{pin}";
            return ($"Deliver the meter to {line}.", [line]);
        });
        yield return new("Japanese, Chinese and Korean scripts", r =>
        {
            string address = Pick(r,
            [
                $"東京都千代田区丸の内{r.Next(1, 9)}-{r.Next(1, 20)}-{r.Next(1, 30)}", $"大阪府大阪市北区梅田{r.Next(1, 9)}丁目{r.Next(1, 20)}番{r.Next(1, 30)}号",
                $"北京市朝阳区建国路{r.Next(1, 300)}号", $"上海市浦东新区世纪大道{r.Next(1, 300)}号", $"서울특별시 중구 세종대로 {r.Next(1, 300)}",
            ]);
            return ($"住所: {address}", [address]);
        });
        yield return new("US ZIP+4 after state", r =>
        {
            string zip = $"{r.Next(10000, 99999)}-{r.Next(1000, 9999)}";
            return ($"Mail to Mountain View, {Pick(r, ["CA", "TX", "NY", "Washington", "WA"])} {zip}, USA.", [zip]);
        });
    }

    [TestCaseSource(nameof(AddressFormats))]
    public void Addresses_found_in_every_format(AddressFormat format)
    {
        Random random = new(format.Name.Length * 31337);
        for (int i = 0; i < Samples; i++)
        {
            (string text, string[] values) = format.Render(random);
            List<SensitiveSpan> spans = Spans(new StreetAddressDetector(), text);
            foreach (string value in values)
            {
                int at = text.IndexOf(value, StringComparison.Ordinal);
                Assert.That(spans.Any(s => s.Start <= at && s.End >= at + value.Length && s.EntityType == EntityTypes.StreetAddress), Is.True, $"'{value}' not covered in: {text}; spans: {Describe(text, spans)}");
            }
        }
    }

    // Postcodes by their place in an address: after a street and house number, after a street's city, Canadian codes
    // by their own shape, and Japanese block addresses.
    [TestCase("Ship to: Corso Buenos Aires 45, 20124 Milano MI, Italy", "Corso Buenos Aires 45|20124 Milano MI")]
    [TestCase("Biuro: ul. Marszałkowska 12/4, 00-590 Warszawa", "ul. Marszałkowska 12/4|00-590 Warszawa")]
    [TestCase("Kantoor: Oude Haven 9, 2312 AB Leiden.", "Oude Haven 9|2312 AB Leiden")]
    [TestCase("Office, 350 Queen Street West, Toronto, ON M5V 2A2, Canada", "350 Queen Street|M5V 2A2")]
    [TestCase("chaufferie au 85, rue Sherbrooke, Montréal QC H2X 1X2", "85, rue Sherbrooke|H2X 1X2")]
    [TestCase("Branch: 2-4-1 Marunouchi, Chiyoda-ku, Tokyo", "2-4-1 Marunouchi")]
    [TestCase("Branch: 3-7-12 Nishitenma, Kita-ku, Osaka 530-0047, Japan", "3-7-12 Nishitenma|530-0047")]
    [TestCase("Visit 15 Long Street, Cape Town 8001 on Monday.", "15 Long Street|Cape Town 8001")]
    [TestCase("Kontor: Sveavägen 44, 113 59 Stockholm", "Sveavägen 44|113 59 Stockholm")]
    [TestCase("Sídlo: Karlovo náměstí 13, 121 35 Praha 2", "Karlovo náměstí 13|121 35 Praha")]
    [TestCase("Kontor i Storgata 7, 0155 Oslo", "Storgata 7|0155 Oslo")]
    [TestCase("Besøk oss i Kongens gate 6, 0153 Oslo", "Kongens gate 6|0153 Oslo")]
    [TestCase("Escritório: Avenida da Liberdade 110, 1250-146 Lisboa", "Avenida da Liberdade 110|1250-146 Lisboa")]
    public void Postcode_forms_found_by_their_place(string text, string expected)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.EqualTo(expected.Split('|')));

    // Country letters, CEPs, PINs and CJK numbers that are none: part numbers, standards, amounts, dates.
    [TestCase("part D-10115 and model CH-8001X and EN-12345 and ISO-9001; A-1010 is the room and B-200 too")]
    [TestCase("DIN EN ISO 50001, IEC-61850 stack, Rev-A 2016, PN-10 valves, DN-100 pipe")]
    [TestCase("We measured 560038 kWh in Bengaluru 2016 and Bengaluru 560038 kWh total; Mumbai had 400 053 visitors")]
    [TestCase("東京都の電力使用量は1-2月に増加、第2四半期は100号")]
    [TestCase("The SP-500 index was 4500 and setpoint SP 21.5 at 12345-678 ms")]
    [TestCase("See Table 2, 2023 Annual Report and Figure 3, 2024 Edition.")]
    [TestCase("Readings of 5-16-20 Monday were missing.")]
    [TestCase("Setpoints 12, 1500 MW Rotterdam plant; model K1A0B1; ratio 3, 4000 Units.")]
    [TestCase("Room 12, 1015 Main hall is cold.")]
    [TestCase("Check valve 12, 110 00 Units were shipped; the gate 22, 0159 Oslo order is late.")]
    [TestCase("Pump curve 4, 1250-146 Model and figure 7, 123 45 Results.")]
    public void Postcode_look_alikes_give_nothing(string text)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.Empty);

    [TestCase("455 3rd St", "455 3rd St")]
    [TestCase("Google is at 1600 Amphitheatre Pkwy, Mountain View, CA 94043-1351.", "1600 Amphitheatre Pkwy|94043-1351")]
    [TestCase("I moved to 12 baker street last year", "12 baker street")]
    [TestCase("Office: Suite 400, third floor", "Suite 400")]
    [TestCase("Apt 5B needs a new thermostat", "Apt 5B")]
    [TestCase("10 Downing Street, London SW1A 2AA", "10 Downing Street|SW1A 2AA")]
    [TestCase("Hauptstraße 5, 80331 München", "Hauptstraße 5|80331 München")]
    [TestCase("Friedrichstr. 12", "Friedrichstr. 12")]
    [TestCase("12 rue de Rivoli, Paris", "12 rue de Rivoli")]
    [TestCase("Keizersgracht 123", "Keizersgracht 123")]
    [TestCase("Calle Mayor 5, Madrid", "Calle Mayor 5")]
    [TestCase("postcodes M1 1AE, B33 8TH, CR2 6XH, DN55 1PT and EC1A 1BB", "M1 1AE|B33 8TH|CR2 6XH|DN55 1PT|EC1A 1BB")]
    [TestCase("send it to sw1a 2aa", "sw1a 2aa")]
    [TestCase("742 Evergreen Terrace, Apt 3", "742 Evergreen Terrace, Apt 3")]
    public void Address_examples(string text, string expected)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.EqualTo(expected.Split('|')));

    [TestCase("Level 3 of the building has the worst heat losses.")]
    [TestCase("The annex has 3 floors and a basement.")]
    [TestCase("Block B and Zone 4 AHU run on the same schedule.")]
    [TestCase("Route 66 is the name of our demo site; see Section 5.2 and Table 3.")]
    [TestCase("The Carrier 30XA-0802 chiller and a Trane RTAC 140 serve the plant.")]
    [TestCase("Street lighting accounts for 12 % of the municipal load.")]
    [TestCase("Replace 40 LED Street lighting fixtures and 12 Road lights.")]
    [TestCase("The design follows ASHRAE 90.1-2019.")]
    [TestCase("I have 3 apples on the street.")]
    [TestCase("The 2 lane road and 3 main roads near the site are lit at night.")]
    [TestCase("We added 5 new sensors along the street last week.")]
    [TestCase("Meter ID 12345 and invoice 2024-0042 for 1,234 kWh.")]
    [TestCase("T8 4FT LED tubes, a 5 HP motor, 3 PH supply at 50 HZ.")]
    [TestCase("Use the test suite 2 and Test Suite 3 before release.")]
    [TestCase("The CO2 level reached 850 ppm on the 3rd floor at 2 pm.")]
    [TestCase("Upgrade 5 chillers via Modbus, BACnet and the 2 lane gateway.")]
    [TestCase("Is Anytown USA 12345 a standard test area for billing?")]
    [TestCase("Consumption rose 12 % in Q3 2024 compared with Q3 2023.")]
    [TestCase("BDG2 site Panther_office_Hannah reported 508.8 kWh on 2016-03-01.")]
    [TestCase("Phase 2 of the retrofit covers 14 buildings and 3 sites, see Annex B2.")]
    public void Benign_energy_text_has_no_address(string text)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.Empty);

    private static (string, string[]) One(string template, string value) => (string.Format(CultureInfo.InvariantCulture, template, value), [value]);

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string House(Random random) => random.Next(1, 9999).ToString(CultureInfo.InvariantCulture);

    private static string Ordinal(int n) => n.ToString(CultureInfo.InvariantCulture) + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static string Postcode(Random random)
    {
        const string First = "ABCDEFGHIJKLMNOPRSTUWYZ";
        const string Second = "ABCDEFGHKLMNOPQRSTUVWXY";
        const string Inward = "ABDEFGHJLNPQRSTUWXYZ";
        string area = random.Next(2) == 0 ? $"{First[random.Next(First.Length)]}" : $"{First[random.Next(First.Length)]}{Second[random.Next(Second.Length)]}";
        string district = random.Next(3) == 0 ? random.Next(10, 99).ToString(CultureInfo.InvariantCulture) : random.Next(1, 9).ToString(CultureInfo.InvariantCulture);
        string inward = $"{random.Next(0, 9)}{Inward[random.Next(Inward.Length)]}{Inward[random.Next(Inward.Length)]}";
        return inward[1..] is "FT" or "HP" or "PH" or "HZ" ? $"{area}{district} {inward[0]}AB" : $"{area}{district} {inward}";
    }

    private static async Task<string> Generalize(string text)
    {
        InMemoryPseudonymVault vault = new();
        PseudonymizerOptions options = new();
        options.EntityPolicies[EntityTypes.Coordinates] = EntityPolicy.Generalize;
        Pseudonymizer pseudonymizer = new(vault, options);
        List<SensitiveSpan> spans = [];
        new CoordinatesDetector().Detect(text, spans);
        return (await pseudonymizer.PseudonymizeAsync(await vault.OpenScopeAsync(null), text, spans)).Text;
    }

    private static void AssertCovers(string text, List<SensitiveSpan> spans, string[] values)
    {
        int first = int.MaxValue;
        int last = -1;
        int searchFrom = 0;
        foreach (string value in values)
        {
            int at = text.IndexOf(value, searchFrom, StringComparison.Ordinal);
            Assert.That(at, Is.GreaterThanOrEqualTo(0), value);
            searchFrom = at + value.Length;
            first = Math.Min(first, at);
            last = Math.Max(last, at + value.Length);
            Assert.That(spans.Any(s => s.Start <= at && s.End >= at + value.Length), Is.True, $"'{value}' not covered in: {text}; spans: {Describe(text, spans)}");
        }

        // The span holds the values and what lies between them, never a label before them or an altitude after them.
        Assert.That(spans.All(s => s.Start >= first && s.End <= last), Is.True, $"span wider than the values in: {text}; spans: {Describe(text, spans)}");
    }

    private static string Describe(string text, IEnumerable<SensitiveSpan> spans) => string.Join(" | ", spans.Select(s => text.Substring(s.Start, s.Length)));

    private static (double Lat, double Lon) RandomPoint(Random random)
    {
        // Away from the poles and the antimeridian, and at least a degree from 0, 0 in one of the two.
        double lat = (random.NextDouble() * 170) - 85;
        double lon = (random.NextDouble() * 358) - 179;
        if (Math.Abs(lat) < 1 && Math.Abs(lon) < 1)
        {
            lat += 10;
        }

        return (lat, lon);
    }

    private static string F(double value, int decimals)
    {
        // A last decimal of 0 would be dropped by some writers; keep the requested precision visible.
        string text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text.EndsWith('0') ? text[..^1] + "7" : text;
    }

    private static (string, string[]) Pair(string template, string lat, string lon)
        => (string.Format(CultureInfo.InvariantCulture, template, lat, lon), template.IndexOf("{1}", StringComparison.Ordinal) < template.IndexOf("{0}", StringComparison.Ordinal) ? [lon, lat] : [lat, lon]);

    private static (string, string[]) Whole(string value) => ($"The logger is mounted at {value} on the roof.", [value]);

    private static (string, string[]) Hemisphere(double lat, double lon)
    {
        string value = string.Create(CultureInfo.InvariantCulture, $"{F(Math.Abs(lat), 4)} {(lat < 0 ? 'S' : 'N')}, {F(Math.Abs(lon), 4)} {(lon < 0 ? 'W' : 'E')}");
        return Whole(value);
    }

    private static string DegreesMinutes(double lat, double lon, bool marks)
    {
        string Part(double v, char pos, char neg) => string.Create(
            CultureInfo.InvariantCulture,
            $"{Math.Floor(Math.Abs(v))}° {(Math.Abs(v) - Math.Floor(Math.Abs(v))) * 60:00.000}{(marks ? "'" : string.Empty)} {(v < 0 ? neg : pos)}");
        return Part(lat, 'N', 'S') + ", " + Part(lon, 'E', 'W');
    }

    private static string DegreesMinutesFirst(double lat, double lon)
    {
        string Part(double v, char pos, char neg, string degrees) => string.Create(
            CultureInfo.InvariantCulture,
            $"{(v < 0 ? neg : pos)} {Math.Floor(Math.Abs(v)).ToString(degrees, CultureInfo.InvariantCulture)} {(Math.Abs(v) - Math.Floor(Math.Abs(v))) * 60:00.000}");
        return Part(lat, 'N', 'S', "00") + " " + Part(lon, 'E', 'W', "000");
    }

    private static (string, string[]) Exif(double lat, double lon)
    {
        static string Axis(double v, char pos, char neg)
        {
            double a = Math.Abs(v);
            double degrees = Math.Floor(a);
            double minutes = Math.Floor((a - degrees) * 60);
            double seconds = (((a - degrees) * 60) - minutes) * 60;
            return string.Create(CultureInfo.InvariantCulture, $"{degrees} deg {minutes}' {seconds:0.00}\" {(v < 0 ? neg : pos)}");
        }

        string latitude = Axis(lat, 'N', 'S');
        string longitude = Axis(lon, 'E', 'W');
        return ($"exiftool IMG_0412.jpg\nGPS Latitude                    : {latitude}\nGPS Longitude                   : {longitude}\nGPS Altitude                    : 12.4 m", [latitude, longitude]);
    }

    private static (string, string[]) Nmea(double lat, double lon)
    {
        static string Axis(double v, int degreeDigits, char pos, char neg)
        {
            double a = Math.Abs(v);
            double degrees = Math.Floor(a);
            double minutes = (a - degrees) * 60;
            return string.Create(CultureInfo.InvariantCulture, $"{degrees.ToString(new string('0', degreeDigits), CultureInfo.InvariantCulture)}{minutes:00.0000},{(v < 0 ? neg : pos)}");
        }

        string position = Axis(lat, 2, 'N', 'S') + "," + Axis(lon, 3, 'E', 'W');
        return ($"The time source logs $GPGGA,101512.00,{position},1,09,0.9,12.4,M,47.0,M,,*57 every second.", [position]);
    }

    private static string Dms(double lat, double lon)
    {
        string Part(double v, char pos, char neg)
        {
            double a = Math.Abs(v);
            double degrees = Math.Floor(a);
            double minutes = Math.Floor((a - degrees) * 60);
            double seconds = (((a - degrees) * 60) - minutes) * 60;
            return string.Create(CultureInfo.InvariantCulture, $"{degrees}°{minutes}'{seconds:0.0}\"{(v < 0 ? neg : pos)}");
        }

        return Part(lat, 'N', 'S') + " " + Part(lon, 'E', 'W');
    }
}

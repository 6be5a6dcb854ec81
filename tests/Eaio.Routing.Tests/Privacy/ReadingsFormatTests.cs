using System.Globalization;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// Readings in every common serialisation: each format renders random series (random start, interval, length, values,
/// key names and building) and the detector must find a READINGS span, or the request-wide tally must reach a series.
/// </summary>
[TestFixture]
public sealed class ReadingsFormatTests
{
    private static readonly string[] s_timeKeys = ["timestamp", "ts", "time", "datetime", "t", "date", "period_start", "Zeit"];
    private static readonly string[] s_valueKeys = ["value", "kwh", "reading", "v", "consumption_kwh", "kW", "load", "Wert"];
    private static readonly string[] s_buildings = ["Panther_office_Hannah", "Fox_education_Wendell", "Bear_lodging_Dean", "Rat_public_Ulysses"];

    public static IEnumerable<TestCaseData> Formats()
    {
        foreach ((string name, Func<Series, string> render) in Renderers())
        {
            for (int seed = 1; seed <= 4; seed++)
            {
                yield return new TestCaseData(name, seed).SetName($"Readings_found_in_{name}_{seed}");
            }
        }
    }

    [TestCaseSource(nameof(Formats))]
    public void Readings_found(string format, int seed)
    {
        Series series = Series.Random(new Random(seed * 7919 + format.Length));
        string text = Renderers().Single(r => r.Name == format).Render(series);
        Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Does.Contain(EntityTypes.Readings), text);
    }

    [TestCase("Mean weekday profile across all 112 schools in the district, kW per m²:\n00:00 0.41\n01:00 0.39\n02:00 0.38\n03:00 0.40")]
    [TestCase("Median of our 40 stores (2019), daily kWh: 2019-01-01 812, 2019-01-02 790, 2019-01-03 845, 2019-01-04 801")]
    public void A_series_stated_as_an_aggregate_over_many_buildings_is_not_one_buildings_readings(string text)
        => Assert.That(Spans(new ReadingsDetector(), text), Is.Empty);

    [TestCase("Average profile of our portfolio's flagship office: 00:00 41.2, 01:00 39.8, 02:00 38.1, 03:00 37.5")]
    [TestCase("Average across our 280 offices is below, but Panther_office_Hannah alone reads: 00:00 41.2, 01:00 39.8, 02:00 38.1")]
    [TestCase("The average hourly load of building 12 was: 00:00 41.2, 01:00 39.8, 02:00 38.1, 03:00 37.5")]
    public void One_buildings_series_near_the_word_average_is_still_readings(string text)
        => Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Is.EqualTo(new[] { EntityTypes.Readings }));

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void A_series_split_over_texts_adds_up(int seed)
    {
        Series series = Series.Random(new Random(seed), length: 4);
        ReadingsDetector detector = new();
        string first = $"First part: {series.Iso(0)}, {series.Value(0)} and {series.Iso(1)}, {series.Value(1)}.";
        string second = $"And the rest: {series.Iso(2)}, {series.Value(2)}; {series.Iso(3)}, {series.Value(3)}.";
        Assert.Multiple(() =>
        {
            Assert.That(Found(detector, first), Is.Empty);
            Assert.That(detector.CountLooseReadings(first) + detector.CountLooseReadings(second), Is.GreaterThanOrEqualTo(detector.MinimumReadings));
        });
    }

    [TestCase("The 2016-03-01 audit found 3 issues. We re-checked on 2016-04-12 with 5 engineers. ASHRAE 90.1-2019 applies.")]
    [TestCase("Between 2016-01-01 and 2016-12-31 the 1,636 buildings used 4500 MWh in total.")]
    [TestCase("Schedule: Mon-Fri 07:00-19:00, Sat 08:00-12:00, Sun closed.")]
    [TestCase("Released 2016-03-01, 2017-04-02, 2018-05-03.")]
    [TestCase("Carrier 30XA-0802 and Trane CVHF 1067 chillers, model year 2019, 3 units each, 45 kW at 7 °C.")]
    [TestCase("Version 1.2.3 was installed on 3/15/2024. ISO 50001:2018 and EN 16247-1 apply; LEED v4.1 gives 12 points.")]
    [TestCase("Median EUI by primary use: Office 185 kWh/m², Education 160 kWh/m², Lodging 210 kWh/m², Retail 240 kWh/m².")]
    [TestCase("Invoice 2024-0457 of 2024-02-01: 12,450.00 USD, due 2024-03-01.")]
    [TestCase("| Period | Hours | $/kWh |\n|---|---|---|\n| Off-peak | 21:00-14:00 | 0.321 |\n| Peak | 16:00-21:00 | 0.477 |\n| Super off-peak | 00:00-06:00 | 0.417 |")]
    [TestCase("{\"periods\":[{\"name\":\"Peak\",\"hours\":\"16:00-21:00\",\"price\":0.363},{\"name\":\"Off-peak\",\"hours\":\"21:00-06:00\",\"price\":0.155},{\"name\":\"Shoulder\",\"hours\":\"06:00-16:00\",\"price\":0.2}]}")]
    [TestCase("Opening hours: 18:00 2 staff, 09:00 5 staff, 13:00 4 staff, 07:00 1 guard.")]
    [TestCase("We meet at 5 pm; the 3 pm and 4 pm slots are taken, and the 9 am call moves to 10 am.")]
    [TestCase("Call +20 101 234 5678 or 201012345678; PO 20240315 and order 201799991234 shipped; GTIN 4006381333931.")]
    [TestCase("The chiller ran 5 h at 82 % load and 3 h at 41 %; build 10.0.20348.2340 is installed.")]
    [TestCase("Daily record 2024-03-01: min 1.2, max 8.5, mean 4.1, rain 0.3, wind 12.4, sun 5.5 hours.")]
    [TestCase("Annual totals: 42981.7 kWh (2022), 43518.2 kWh (2023), 44102.9 kWh (2024).")]
    [TestCase("The chiller ran 2000 hours in 2016, 1800 hours in 2017 and 2100 hours in 2018 at 45 kW.")]
    [TestCase("Pi is 3.14 and the ratio 2.50 of 7.30 and 1.25 at 4 of them; version 1.10 of 12 released.")]
    [TestCase("Opening hours of the energy office: Mon 8, Tue 8, Wed 8, Thu 8, Fri 6.")]
    [TestCase("Shifts 6-2pm, 2-10pm and 10-6am cover 3 staff, 4 staff and 2 staff.")]
    [TestCase("Temperature by hour ending (°C)\ndate,HE01,HE02,HE03,HE04,HE05\n2016-03-01,2.3,1.8,1.1,0.9,0.2")]
    [TestCase("meter,1,2,3,4,5\nkWh,120.5,98.2,143.0,110.7,101.9")]
    [TestCase("Hourly tariff (EUR/kWh):\nhour,price\n0,0.21\n1,0.20\n2,0.19\n3,0.19\n4,0.20\n5,0.22")]
    [TestCase("Heating degree days 2023 for the energy model: Jan 512, Feb 430, Mar 388, Apr 250, May 120")]
    [TestCase("Monthly average load across our 40 sites (kWh): Jan: 512, Feb: 430, Mar: 388, Apr: 301")]
    [TestCase("Public weather station, monthly mean °C and energy index: Jan 0.6, Feb 1.4, Mar 4.8, Apr 9.1, May 13.9")]
    [TestCase("Energy app releases: Jan 2016, Feb 2016, Mar 2016, Apr 2016, May 2016.")]
    [TestCase("Load shifting price per weekday: Mon 0.25, Tue 0.25, Wed 0.24, Thu 0.25, Fri 0.23")]
    [TestCase("Chapter list (energy handbook):\n1 Introduction\n2 Metering\n3 Tariffs\n4 Loads\n5 Storage")]
    public void Benign_text_has_no_readings(string text)
        => Assert.That(Found(new ReadingsDetector(), text), Is.Empty);

    private static IEnumerable<(string Name, Func<Series, string> Render)> Renderers()
    {
        yield return ("csv", s => "timestamp,value\n" + s.Lines(i => $"{s.Iso(i, ' ')},{s.Value(i)}"));
        yield return ("quoted-csv", s => "\"timestamp\",\"kwh\"\n" + s.Lines(i => $"\"{s.Iso(i, ' ')}\",\"{s.Value(i)}\""));
        yield return ("semicolon-decimal-comma", s => "Zeitstempel;Verbrauch\n" + s.Lines(i => $"{s.Time(i):dd.MM.yyyy HH:mm};{s.Value(i).Replace('.', ',')}"));
        yield return ("long-csv", s => "building_id,meter,timestamp,meter_reading\n" + s.Lines(i => $"{s.Building},electricity,{s.Iso(i, ' ')},{s.Value(i)}"));
        yield return ("json-objects", s => JsonSerializer.Serialize(Enumerable.Range(0, s.Length).Select(i => new Dictionary<string, object> { [s.TimeKey] = s.Iso(i), [s.ValueKey] = s.Number(i) })));
        yield return ("json-objects-value-first", s => JsonSerializer.Serialize(Enumerable.Range(0, s.Length).Select(i => new Dictionary<string, object> { [s.ValueKey] = s.Number(i), ["unit"] = "kWh", [s.TimeKey] = s.Iso(i) })));
        yield return ("json-pairs", s => JsonSerializer.Serialize(Enumerable.Range(0, s.Length).Select(i => new object[] { s.Iso(i), s.Number(i) })));
        yield return ("json-dictionary", s => JsonSerializer.Serialize(Enumerable.Range(0, s.Length).ToDictionary(i => s.Iso(i), i => s.Number(i))));
        yield return ("json-columns", s => JsonSerializer.Serialize(new { building = s.Building, timestamps = Enumerable.Range(0, s.Length).Select(s.Iso), values = Enumerable.Range(0, s.Length).Select(s.Number) }));
        yield return ("ndjson", s => s.Lines(i => JsonSerializer.Serialize(new Dictionary<string, object> { ["building"] = s.Building, [s.TimeKey] = s.Iso(i), [s.ValueKey] = s.Number(i) })));
        yield return ("json-string-escaped", s => JsonSerializer.Serialize(new { data = "timestamp,kwh\n" + s.Lines(i => $"{s.Iso(i, ' ')},{s.Value(i)}") }));
        yield return ("yaml", s => "readings:\n" + s.Lines(i => $"  - {s.TimeKey}: {s.Iso(i, ' ')}\n    {s.ValueKey}: {s.Value(i)}"));
        yield return ("xml-attributes", s => "<readings>\n" + s.Lines(i => $"  <reading time=\"{s.Iso(i)}\" kwh=\"{s.Value(i)}\"/>") + "</readings>");
        yield return ("xml-elements", s => "<series>" + string.Concat(Enumerable.Range(0, s.Length).Select(i => $"<point><{s.TimeKey}>{s.Iso(i)}</{s.TimeKey}><{s.ValueKey}>{s.Value(i)}</{s.ValueKey}></point>")) + "</series>");
        yield return ("logfmt", s => s.Lines(i => $"ts={s.Iso(i)}Z level=info building={s.Building} meter=electricity unit=kWh value={s.Value(i)}"));
        yield return ("epoch-seconds", s => s.Lines(i => $"{new DateTimeOffset(s.Time(i), TimeSpan.Zero).ToUnixTimeSeconds()} {s.Value(i)}"));
        yield return ("epoch-milliseconds", s => JsonSerializer.Serialize(Enumerable.Range(0, s.Length).Select(i => new object[] { new DateTimeOffset(s.Time(i), TimeSpan.Zero).ToUnixTimeMilliseconds(), s.Number(i) })));
        yield return ("month-name", s => s.Lines(i => $"{s.Time(i).ToString("MMM d yyyy HH:mm", CultureInfo.InvariantCulture)}: {s.Value(i)} kWh"));
        yield return ("day-month-name", s => s.Lines(i => $"{s.Time(i).ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} - {s.Value(i)} kWh"));
        yield return ("times-only", s => "Yesterday: " + string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"{s.Time(i):HH:mm} {s.Value(i)} kWh")));
        yield return ("unit-between", s => s.Lines(i => $"{s.Iso(i, ' ')} | kWh | {s.Value(i)}"));
        yield return ("dash", s => s.Lines(i => $"{s.Iso(i, ' ')} - {s.Value(i)}"));
        yield return ("arrow", s => s.Lines(i => $"{s.Iso(i, ' ')} → {s.Value(i)}"));
        yield return ("markdown-table", s => "| Time | kWh |\n|---|---|\n" + s.Lines(i => $"| {s.Iso(i, ' ')} | {s.Value(i)} |"));
        yield return ("us-dates", s => s.Lines(i => $"{s.Time(i).ToString("M/d/yyyy h:mm tt", CultureInfo.InvariantCulture)}\t{s.Value(i)}"));
        yield return ("prose", s => string.Join(" ", Enumerable.Range(0, s.Length).Select(i => $"At {s.Time(i):HH:mm} the meter read {s.Value(i)} kWh.")));
        yield return ("value-first-prose", s => string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"{s.Value(i)} kWh at {s.Time(i):HH:mm}")));
        yield return ("transposed-csv", s => "building," + string.Join(",", Enumerable.Range(0, s.Length).Select(i => s.Iso(i, ' '))) + "\n" + s.Building + "," + string.Join(",", Enumerable.Range(0, s.Length).Select(s.Value)));
        yield return ("twelve-hour-clock", s => string.Join("; ", Enumerable.Range(0, s.Length).Select(i => $"{s.Time(i).ToString("h:mm tt", CultureInfo.InvariantCulture)} {s.Value(i)} kW")));
        yield return ("intervals", s => s.Lines(i => $"{s.Time(i):HH:mm}-{s.Time(i).AddMinutes(15):HH:mm}: {s.Value(i)} kWh"));

        // Time-series databases, code and loggers, written the way their tools print them.
        yield return ("influx-line-protocol", s => s.Lines(i => $"energy,building={s.Building},meter=main kwh={s.Value(i)} {Unix(s.Time(i)) * 1_000_000_000}"));
        yield return ("epoch-microseconds", s => s.Lines(i => $"{Unix(s.Time(i)) * 1_000_000},{s.Value(i)}"));
        yield return ("dotnet-ticks", s => s.Lines(i => $"{{ Ticks = {s.Time(i).Ticks}, Value = {s.Value(i)} }}"));
        yield return ("iso-basic", s => s.Lines(i => $"{s.Time(i):yyyyMMdd'T'HHmmss'Z'} {s.Value(i)}"));
        yield return ("compact-logger", s => s.Lines(i => $"{s.Time(i):yyyyMMddHHmm};{s.Value(i)}"));
        yield return ("smart-meter-p1", s => s.Lines(i => $"0-0:1.0.0({s.Time(i):yyMMddHHmmss}W)\n1-0:1.7.0({s.Value(i)}*kW)"));
        yield return ("iso-week-date", s => s.Lines(i => $"{ISOWeek.GetYear(s.Time(i))}-W{ISOWeek.GetWeekOfYear(s.Time(i)):D2}-{((int)s.Time(i).DayOfWeek + 6) % 7 + 1}T{s.Time(i):HH:mm}  {s.Value(i)}"));
        yield return ("iso-ordinal-date", s => "when,kwh\n" + s.Lines(i => $"{s.Time(i).Year}-{s.Time(i).DayOfYear:D3}T{s.Time(i):HH:mm},{s.Value(i)}"));
        yield return ("spreadsheet-day-serial", s => "Serial\tValue\n" + s.Lines(i => $"{s.Time(i).ToOADate().ToString("0.#####", CultureInfo.InvariantCulture)}\t{s.Value(i)}"));
        yield return ("python-datetime", s => "readings = [\n" + s.Lines(i => $"    (datetime({s.Time(i).Year}, {s.Time(i).Month}, {s.Time(i).Day}, {s.Time(i).Hour}, {s.Time(i).Minute}), {s.Value(i)}),") + "]");
        yield return ("javascript-date-utc", s => "data: [\n" + s.Lines(i => $"  [Date.UTC({s.Time(i).Year}, {s.Time(i).Month - 1}, {s.Time(i).Day}, {s.Time(i).Hour}), {s.Value(i)}],") + "]");
        yield return ("east-asian-date", s => s.Lines(i => $"{s.Time(i).Year}年{s.Time(i).Month}月{s.Time(i).Day}日 {s.Time(i).Hour}時\u3000{s.Value(i)} kWh"));
        yield return ("hours-am-pm", s => "meter readings for today " + string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"{s.Time(i).ToString("htt", CultureInfo.InvariantCulture).ToLowerInvariant()} {s.Value(i)}")));
        yield return ("french-hours", s => "Relevés : " + string.Join(" ; ", Enumerable.Range(0, s.Length).Select(i => $"à {s.Time(i).Hour} h, {s.Value(i).Replace('.', ',')} kWh")));
        yield return ("h-clock", s => s.Lines(i => $"{s.Time(i).Hour}h{s.Time(i).Minute:00} : {s.Value(i).Replace('.', ',')} kWh"));

        // Hours written as people write them in prose and logs.
        yield return ("dot-time-am-pm", s => string.Join(" ", Enumerable.Range(0, s.Length).Select(i => $"At {s.Time(i).ToString("h.mm", CultureInfo.InvariantCulture)} {(s.Time(i).Hour < 12 ? "am" : "pm")} the meter showed {s.Value(i)} kWh.")));
        yield return ("dot-time-uhr", s => "Zählerstände: " + string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"um {s.Time(i):HH.mm} Uhr {s.Value(i).Replace('.', ',')} kWh")));
        yield return ("military-time", s => s.Lines(i => $"{s.Time(i):HHmm}h  {s.Value(i)} kW"));
        yield return ("military-hrs", s => string.Join("; ", Enumerable.Range(0, s.Length).Select(i => $"{s.Time(i):HHmm} hrs: {s.Value(i)} kW")));
        yield return ("hour-ranges", s => "Yesterday by hour: " + string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"{((s.Time(i).Hour + 11) % 12) + 1}-{((s.Time(i).Hour + 12) % 12) + 1}{(s.Time(i).AddHours(1).Hour < 12 ? "am" : "pm")} {s.Value(i)} kWh")));
        yield return ("oclock", s => string.Join(" ", Enumerable.Range(0, s.Length).Select(i => $"At {((s.Time(i).Hour + 11) % 12) + 1} o'clock it read {s.Value(i)} kWh.")));

        // Time-series database text exports beyond the line protocol.
        yield return ("prometheus-exposition", s => s.Lines(i => $"energy_kwh_total{{site=\"{s.Building}\",meter=\"main\"}} {s.Value(i)} {Unix(s.Time(i)) * 1000}"));
        yield return ("opentsdb-put", s => s.Lines(i => $"put meter.kwh {Unix(s.Time(i))} {s.Value(i)} site={s.Building}"));
        yield return ("graphite-plaintext", s => s.Lines(i => $"sites.{s.Building}.kwh {s.Value(i)} {Unix(s.Time(i))}"));
        yield return ("influx-annotated-csv", s => "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string\n,result,table,_start,_stop,_time,_value,_field\n"
            + s.Lines(i => $",,0,{s.Iso(0)}Z,{s.Iso(s.Length - 1)}Z,{s.Iso(i)}Z,{s.Value(i)},kwh"));
        yield return ("influx-cli-table", s => "name: energy\ntime                value\n----                -----\n" + s.Lines(i => $"{Unix(s.Time(i)) * 1_000_000_000} {s.Value(i)}"));
        yield return ("psql-table", s => " time                   | kwh\n------------------------+-------\n" + s.Lines(i => $" {s.Iso(i, ' ')}+00 | {s.Value(i)}"));
        yield return ("rrdtool-fetch", s => "                          kwh\n\n" + s.Lines(i => $"{Unix(s.Time(i))}: {s.Number(i).ToString("0.0000000000e+00", CultureInfo.InvariantCulture)}"));
        yield return ("prometheus-range-json", s => "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"site\":\"x\"},\"values\":["
            + string.Join(",", Enumerable.Range(0, s.Length).Select(i => $"[{Unix(s.Time(i))}.{i % 10}00,\"{s.Value(i)}\"]")) + "]}]}}");
        yield return ("victoriametrics-jsonl", s => $"{{\"metric\":{{\"__name__\":\"kwh\",\"site\":\"{s.Building}\"}},\"values\":[{string.Join(",", Enumerable.Range(0, s.Length).Select(s.Value))}],\"timestamps\":[{string.Join(",", Enumerable.Range(0, s.Length).Select(i => Unix(s.Time(i)) * 1000))}]}}");

        // Tables turned, and series keyed by an hour index, a weekday or a month instead of a timestamp.
        yield return ("transposed-markdown-times", s => "| | " + string.Join(" | ", Enumerable.Range(0, s.Length).Select(i => $"{s.Time(i):HH:mm}")) + " |\n|---|" + string.Concat(Enumerable.Repeat("---|", s.Length)) + "\n| kWh | " + string.Join(" | ", Enumerable.Range(0, s.Length).Select(s.Value)) + " |");
        yield return ("hour-index-csv", s => "hour,kwh\n" + s.Lines(i => $"{i},{s.Value(i)}"));
        yield return ("hour-index-markdown", s => "| Hour | kWh |\n|---|---|\n" + s.Lines(i => $"| {i} | {s.Value(i)} |"));
        yield return ("weekday-values", s => "Last week's consumption: " + string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"{Weekdays[i % 7]} {s.Value(i)} kWh")));
        yield return ("weekday-rows", s => "day;kWh\n" + s.Lines(i => $"{FullWeekdays[i % 7]};{s.Value(i).Replace('.', ',')}"));
        yield return ("monthly-series", s => "Our electricity use in 2023 (kWh): " + string.Join(", ", Enumerable.Range(0, s.Length).Select(i => $"{Months[i % 12]}: {s.Value(i)}")));
        yield return ("monthly-rows", s => "month,consumption_kwh\n" + s.Lines(i => $"{FullMonths[i % 12]},{s.Value(i)}"));
        yield return ("transposed-hour-ending", s => "Load (kWh) by hour ending\ndate," + string.Join(",", Enumerable.Range(1, s.Length).Select(h => $"HE{h:D2}")) + "\n" + $"{s.Time(0):yyyy-MM-dd}," + string.Join(",", Enumerable.Range(0, s.Length).Select(s.Value)));
        yield return ("transposed-weekdays", s => "| meter | " + string.Join(" | ", Enumerable.Range(0, s.Length).Select(i => FullWeekdays[i % 7])) + " |\n|---|" + string.Concat(Enumerable.Repeat("---|", s.Length)) + "\n| kWh | " + string.Join(" | ", Enumerable.Range(0, s.Length).Select(s.Value)) + " |");
        yield return ("transposed-hour-index", s => "hour," + string.Join(",", Enumerable.Range(0, s.Length)) + "\nkWh," + string.Join(",", Enumerable.Range(0, s.Length).Select(s.Value)));
    }

    private static readonly string[] Weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private static readonly string[] FullWeekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    private static readonly string[] FullMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static long Unix(DateTime time) => new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeSeconds();

    [TestCase(8)]
    [TestCase(12)]
    public void Rows_of_a_date_by_hour_grid_are_readings(int hours)
    {
        Random random = new(hours);
        StringBuilder grid = new("hour       " + string.Join(" ", Enumerable.Range(6, hours).Select(h => $"{h,6}")) + "\ndate\n");
        foreach (string day in new[] { "2016-11-23", "2016-11-24" })
        {
            grid.Append(day).Append("  ").AppendJoin(" ", Enumerable.Range(0, hours).Select(_ => $"{random.Next(300, 1400) / 10.0,6:0.0}".Replace(',', '.'))).Append('\n');
        }

        string text = grid.ToString();
        Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Does.Contain(EntityTypes.Readings), text);
    }

    [TestCase("2024-03-01  1.2  8.5  4.1  0.3  12.4  5.5  1012.3\n2024-03-02  0.8  9.1  4.6  0.0  10.2  6.1  1015.0")]
    [TestCase("Daily record 2024-03-01: min 1.2, max 8.5, mean 4.1, rain 0.3, wind 12.4, sun 5.5, pressure 1012.3, humidity 81.0, gust 31.2.")]
    public void Daily_records_with_a_few_columns_are_not_a_grid(string text)
        => Assert.That(Found(new ReadingsDetector(), text), Is.Empty);

    [TestCase(24)]
    [TestCase(48)]
    public void A_days_profile_on_one_row_after_its_date_is_readings(int values)
    {
        Random random = new(values);
        string row = "13/05/2016," + string.Join(",", Enumerable.Range(0, values).Select(_ => (random.Next(1000, 9000) / 100.0).ToString(CultureInfo.InvariantCulture)));
        string text = "Date," + string.Join(",", Enumerable.Range(1, values).Select(h => $"HH{h:D2}")) + "\n" + row;
        Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Does.Contain(EntityTypes.Readings), text);
    }

    // A start time, an interval, then bare values, as meters and databases export profiles.
    private static IEnumerable<(string Name, Func<Series, string> Render)> ProfileRenderers()
    {
        yield return ("iec-62056-21", s => $"/LGZ5ZMD3104407.B32\r\nP.01(1{s.Start:yyMMddHHmm}00)(00)({(int)s.Interval.TotalMinutes})(2)(1.5.0)(kW)(2.5.0)(kW)\r\n"
            + string.Concat(Enumerable.Range(0, s.Length).Select(i => $"({s.Number(i) / 100:0.000})(0.000)\r\n")));
        yield return ("iec-62056-21-winter", s => $"P.01(0{s.Start:yyMMddHHmm})(08)({(int)s.Interval.TotalMinutes})(1)(1.5)(kWh)\n" + string.Concat(Enumerable.Range(0, s.Length).Select(i => $"({s.Number(i):0.00})")));
        yield return ("start-interval-values", s => $"start={s.Iso(0)}Z interval={(int)s.Interval.TotalMinutes}min unit=kWh values={string.Join(",", Enumerable.Range(0, s.Length).Select(s.Value))}");
        yield return ("json-profile", s => JsonSerializer.Serialize(new { meter = s.Building, start = s.Iso(0), interval = $"PT{(int)s.Interval.TotalMinutes}M", values = Enumerable.Range(0, s.Length).Select(s.Number) }));
        yield return ("prose-profile", s => $"Starting {s.Time(0):dd.MM.yyyy HH:mm}, every {(int)s.Interval.TotalMinutes} minutes, the meter gave: {string.Join("; ", Enumerable.Range(0, s.Length).Select(i => s.Value(i).Replace('.', ',')))}.");
        yield return ("graphite-raw", s => $"sites.{s.Building}.kwh,{Unix(s.Time(0))},{Unix(s.Time(s.Length))},{(int)s.Interval.TotalSeconds}|{string.Join(",", Enumerable.Range(0, s.Length).Select(s.Value))}");
    }

    public static IEnumerable<TestCaseData> ProfileFormats() =>
        ProfileRenderers().SelectMany(r => Enumerable.Range(1, 3).Select(seed => new TestCaseData(r.Name, seed).SetName($"Load_profile_found_in_{r.Name}_{seed}")));

    [TestCaseSource(nameof(ProfileFormats))]
    public void Load_profile_found(string format, int seed)
    {
        Series series = Series.Random(new Random(seed * 7919 + format.Length), length: 8 + (seed * 5));
        string text = ProfileRenderers().Single(r => r.Name == format).Render(series);
        Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Does.Contain(EntityTypes.Readings), text);
    }

    // A date before a list of numbers that no interval makes a profile: versions, room numbers, counts.
    [TestCase("Released 2016-03-01: fixes 1, 4, 9, 12, 15, 21, 22, 30, 31 and 40.")]
    [TestCase("From 2016-03-01, every Monday: rooms 101, 102, 103, 104, 105, 106, 107, 108, 109.")]
    [TestCase("On 2016-03-01 the audit listed chillers 3, 7, 8, 12, 14, 15, 19 and 21 for replacement.")]
    [TestCase("P.01 is the load profile register; see IEC 62056-21 clause 5, table 3, items 1, 2, 4, 5, 6, 8, 9, 11.")]
    public void Dates_before_lists_that_are_no_profile_give_nothing(string text)
        => Assert.That(Found(new ReadingsDetector(), text), Is.Empty);

    /// <summary>A random series: start, interval, length, values and the keys and building it is written with.</summary>
    internal sealed record Series(DateTime Start, TimeSpan Interval, double[] Values, string TimeKey, string ValueKey, string Building)
    {
        public int Length => Values.Length;

        public static Series Random(Random random, int? length = null)
        {
            int n = length ?? random.Next(4, 12);
            DateTime start = new DateTime(2016, 1, 1).AddHours(random.Next(0, 24 * 700));
            TimeSpan interval = TimeSpan.FromMinutes(new[] { 15, 30, 60 }[random.Next(3)]);
            double[] values = [.. Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 900 + 1, random.Next(0, 3)))];
            return new Series(start, interval, values, s_timeKeys[random.Next(s_timeKeys.Length)], s_valueKeys[random.Next(s_valueKeys.Length)], s_buildings[random.Next(s_buildings.Length)]);
        }

        public DateTime Time(int i) => Start + (Interval * i);

        public string Iso(int i) => Iso(i, 'T');

        public string Iso(int i, char separator) => Time(i).ToString($"yyyy-MM-dd'{separator}'HH:mm:ss", CultureInfo.InvariantCulture);

        public string Value(int i) => Values[i].ToString(CultureInfo.InvariantCulture);

        public double Number(int i) => Values[i];

        public string Lines(Func<int, string> line)
        {
            StringBuilder builder = new();
            for (int i = 0; i < Length; i++)
            {
                builder.Append(line(i)).Append('\n');
            }

            return builder.ToString();
        }
    }
}

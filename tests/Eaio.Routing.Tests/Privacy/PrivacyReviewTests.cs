using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>Cases a review of the detection work found (leaks, over-blocking, a quadratic walk, a detector bug escaping).</summary>
[TestFixture]
public sealed class PrivacyReviewTests
{
    [Test]
    public void Epoch_seconds_with_a_fraction_are_reading_times()
    {
        string text = "[[1435781451.781,\"41.2\"],[1435781466.781,\"40.9\"],[1435781481.781,\"40.1\"]]";
        Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Is.EqualTo(new[] { EntityTypes.Readings }));
    }

    [Test]
    public void A_series_of_times_newest_first_is_readings()
        => Assert.That(Spans(new ReadingsDetector(), "Latest first: 14:00 41.2, 13:45 40.9, 13:30 40.1, 13:15 39.8").Select(s => s.EntityType), Is.EqualTo(new[] { EntityTypes.Readings }));

    [Test]
    public void An_aggregate_statement_in_another_paragraph_does_not_exempt_a_series()
    {
        string text = "The mean profile across our 280 offices is in the appendix.\n\nOur own office, yesterday:\n00:00 41.2\n01:00 39.8\n02:00 38.1";
        Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Is.EqualTo(new[] { EntityTypes.Readings }));
    }

    [Test]
    public async Task A_long_list_of_dates_without_values_is_not_readings()
    {
        string text = string.Join(", ", Enumerable.Range(0, 5000).Select(i => new DateTime(2016, 1, 1).AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.That(Spans(new ReadingsDetector(), text), Is.Empty);
    }

    [TestCase("Mail ja\u202Ene@example.com today")] // a bidirectional mark inside the value
    [TestCase("Card \u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 please")] // Arabic-Indic digits
    public async Task Values_hidden_with_other_format_characters_or_digits_are_found(string text)
        => Assert.That(SensitiveDataScanner.CreateDefault().Scan(text).Spans, Is.Not.Empty);

    [Test]
    public async Task The_guards_leftover_check_matches_whole_words_only()
    {
        EgressGuard guard = new([]);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(() => guard.ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, "Annabelle signed the testing plan.")], null, ["Anna", "test"]), Throws.Nothing);
            Assert.That(() => guard.ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, "Ask Anna.")], null, ["Anna"]), Throws.InstanceOf<PrivacyViolationException>());
        });
    }

    [Test]
    public async Task The_guard_finds_a_masked_multi_line_value_left_in_tool_arguments()
    {
        EgressGuard guard = new([]);
        string key = "line one of the key\nline two of the key";
        ChatMessage call = new(ChatRole.Assistant, [new FunctionCallContent("CALL_1", "store", new Dictionary<string, object?> { ["key"] = key })]);
        Assert.That(() => guard.ThrowIfSensitive("openai", [call], null, [key]), Throws.InstanceOf<PrivacyViolationException>());
    }

    [Test]
    public async Task Only_this_librarys_opaque_call_ids_are_restored()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conversation");
        string opaque = await vault.GetOrAddPlaceholderAsync(scope, "CALL", "call_jane@example.com");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "jane@example.com");
        PlaceholderRestorer restorer = await vault.RestorerAsync(scope);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restorer.RestoreCallId(opaque), Is.EqualTo("call_jane@example.com"));
            Assert.That(restorer.RestoreCallId("EMAIL_1"), Is.EqualTo("EMAIL_1"), "a provider's id that looks like another placeholder");
            Assert.That(restorer.RestoreCallId("call_1"), Is.EqualTo("call_1"));
        });
    }

    [Test]
    public async Task A_detector_that_reports_a_span_outside_the_text_fails_closed()
    {
        SensitiveDataScanResult result = new SensitiveDataScanner([new OutOfRangeDetector()]).Scan("Plain text with a zero\u200Bwidth space.");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
            Assert.That(result.DetectorFailed, Is.True);
            Assert.That(() => new EgressGuard([new OutOfRangeDetector()]).ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, "zero\u200Bwidth")], null),
                Throws.InstanceOf<PrivacyViolationException>().With.Message.Contains("detector failure"));
        });
    }

    [Test]
    public async Task A_host_id_shaped_like_a_placeholder_is_still_masked()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        PatternDetector detector = new(EntityTypes.Building, new System.Text.RegularExpressions.Regex(@"\bBUILDING_\d+\b"));
        PseudonymizedMessages masked = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, [new ChatMessage(ChatRole.User, "Compare BUILDING_12 with last year.")], new CompositeDetector([detector])));
        Assert.That(masked.Messages[0].Text, Does.Not.Contain("BUILDING_12"));
    }

    private sealed class OutOfRangeDetector : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans) => spans.Add(new SensitiveSpan(text.Length, 5, EntityTypes.Email, 1));
    }
}

using System.Text;
using System.Text.Json;
using Eaio.Routing.Tests.Privacy;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The egress guard against everything an SDK adapter sends besides plain text: other content kinds, raw provider objects,
/// tags inside tool results, and the options' tools, response format and raw-representation factory.
/// </summary>
public sealed class EgressGuardPayloadTests
{
    private const string Email = "alice@example.com";

    private static readonly EgressGuard s_guard = new([new EmailTestDetector()]);

    private static PrivacyViolationException Blocked(ChatMessage message, ChatOptions? options = null) =>
        Assert.Throws<PrivacyViolationException>(() => s_guard.ThrowIfSensitive("openai", [message], options))!;

    private static PrivacyViolationException Blocked(ChatOptions options) => Blocked(new ChatMessage(ChatRole.User, "hello"), options);

    private static void Passes(ChatMessage message, ChatOptions? options = null) =>
        Assert.DoesNotThrow(() => s_guard.ThrowIfSensitive("openai", [message], options));

    [Test]
    public void A_pdf_attachment_is_blocked_as_a_content_kind_the_guard_cannot_check()
    {
        // The SDK sends the PDF's bytes as a file part, and its name as the file name: neither can be read here.
        DataContent pdf = new(Encoding.UTF8.GetBytes("%PDF-1.7 owner alice@example.com"), "application/pdf") { Name = "report.pdf" };

        PrivacyViolationException error = Blocked(new ChatMessage(ChatRole.User, [new TextContent("Summarise this"), pdf]));

        Assert.That(error.Finding, Does.Contain("DataContent (application/pdf)").And.Contain("cannot be checked"));
    }

    [Test]
    public void Hosted_files_errors_and_non_image_uris_are_blocked()
    {
        Assert.That(Blocked(new ChatMessage(ChatRole.User, [new HostedFileContent("file-123")])).Finding, Does.Contain("HostedFileContent").And.Contain("cannot be checked"));
        Assert.That(Blocked(new ChatMessage(ChatRole.Assistant, [new ErrorContent("I cannot write to alice") { ErrorCode = "Refusal" }])).Finding, Does.Contain("ErrorContent"));
        Assert.That(Blocked(new ChatMessage(ChatRole.User, [new UriContent("https://files.example.com/report.pdf", "application/pdf")])).Finding, Does.Contain("UriContent"));
    }

    [Test]
    public void Images_pass_unscanned_but_their_name_and_url_are_scanned()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Passes(new ChatMessage(ChatRole.User, [new TextContent("What is in this picture?"), new DataContent(png, "image/png") { Name = "meter.png" }]));
        Passes(new ChatMessage(ChatRole.User, [new UriContent("https://img.example.com/meter.png", "image/png")]));

        Assert.That(Blocked(new ChatMessage(ChatRole.User, [new DataContent(png, "image/png") { Name = $"{Email}.png" }])).Finding, Does.Contain("EMAIL"));
        Assert.That(Blocked(new ChatMessage(ChatRole.User, [new UriContent($"https://img.example.com/meter.png?owner={Email}", "image/png")])).Finding, Does.Contain("EMAIL"));
    }

    [Test]
    public void A_content_or_message_carrying_a_raw_provider_object_is_blocked()
    {
        // The SDK sends a content's raw ChatMessageContentPart (and a message's raw ChatMessage) instead of the masked text.
        TextContent text = new("Write to EMAIL_1") { RawRepresentation = new object() };
        Assert.That(Blocked(new ChatMessage(ChatRole.Assistant, [text])).Finding, Does.Contain("TextContent").And.Contain("raw provider representation"));

        ChatMessage message = new(ChatRole.User, "Write to EMAIL_1") { RawRepresentation = new object() };
        Assert.That(Blocked(message).Finding, Does.Contain("raw provider representation"));
    }

    [Test]
    public void A_non_text_content_inside_a_tool_result_is_blocked()
    {
        // A text file inside a result list would be serialised as base64, which no detector can read.
        DataContent file = new(Encoding.UTF8.GetBytes(Email), "text/plain");
        ChatMessage tool = new(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("Contacts:"), file })]);

        Assert.That(Blocked(tool).Finding, Does.Contain("DataContent (text/plain) inside a tool result").And.Contain("cannot be checked"));
        Assert.That(Blocked(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", file)])).Finding, Does.Contain("inside a tool result"));
        Passes(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("Total 42") })]));
    }

    [Test]
    public void A_critical_tag_inside_a_tool_result_list_is_blocked()
    {
        TextContent readings = new TextContent("Total 42").WithSensitivity(DataSensitivity.Critical);
        ChatMessage tagged = new(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("Readings:"), readings })]);
        ChatMessage declared = new(ChatRole.Tool, [new FunctionResultContent("c1", new List<object> { new TaggedResult(DataSensitivity.Critical) })]);
        ChatMessage classified = new(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("Total 42") { AdditionalProperties = new() { [EaioChatOptionsExtensions.SensitivityKey] = EaioDataClassifications.Critical } } })]);

        Assert.That(Blocked(tagged).Finding, Does.Contain("CRITICAL tag"));
        Assert.That(Blocked(declared).Finding, Does.Contain("CRITICAL tag"));
        Assert.That(Blocked(classified).Finding, Does.Contain("CRITICAL tag"));
        Assert.That(Blocked(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new TaggedResult(DataSensitivity.Critical))])).Finding, Does.Contain("CRITICAL tag"));
        Passes(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new List<object> { new TaggedResult(DataSensitivity.Sensitive) })]));
    }

    [Test]
    public void Tool_declarations_are_scanned()
    {
        using JsonDocument schema = JsonDocument.Parse("""{"type":"object","properties":{"to":{"type":"string","default":"alice@example.com"}}}""");
        AIFunctionDeclaration bySchema = AIFunctionFactory.CreateDeclaration("notify", "Sends a note", schema.RootElement.Clone());
        AIFunctionDeclaration byDescription = AIFunctionFactory.CreateDeclaration("notify", $"Sends a note to {Email}", JsonDocument.Parse("{}").RootElement);
        AIFunctionDeclaration byName = AIFunctionFactory.CreateDeclaration("notify_alice@example.com", "Sends a note", JsonDocument.Parse("{}").RootElement);

        Assert.That(Blocked(new ChatOptions { Tools = [bySchema] }).Finding, Does.Contain("EMAIL"));
        Assert.That(Blocked(new ChatOptions { Tools = [byDescription] }).Finding, Does.Contain("EMAIL"));
        Assert.That(Blocked(new ChatOptions { Tools = [byName] }).Finding, Does.Contain("EMAIL"));
        Passes(new ChatMessage(ChatRole.User, "hello"), new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("notify", "Sends a note", JsonDocument.Parse("{}").RootElement)] });
    }

    [Test]
    public void The_end_user_id_is_scanned()
    {
        Assert.That(Blocked(new ChatOptions().WithEndUserId(Email)).Finding, Does.Contain("EMAIL"));
        Passes(new ChatMessage(ChatRole.User, "hello"), new ChatOptions().WithEndUserId("u-kdjfhgpalmnb"));
    }

    [Test]
    public void The_response_format_and_stop_sequences_are_scanned()
    {
        using JsonDocument schema = JsonDocument.Parse($$"""{"type":"object","description":"Reply for {{Email}}"}""");
        JsonElement plain = JsonDocument.Parse("""{"type":"object"}""").RootElement;

        Assert.That(Blocked(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "reply") }).Finding, Does.Contain("EMAIL"));
        Assert.That(Blocked(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(plain, "reply", $"Reply for {Email}") }).Finding, Does.Contain("EMAIL"));
        Assert.That(Blocked(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(plain, $"reply_{Email}") }).Finding, Does.Contain("EMAIL"));
        Assert.That(Blocked(new ChatOptions { StopSequences = [Email] }).Finding, Does.Contain("EMAIL"));
        Passes(new ChatMessage(ChatRole.User, "hello"), new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(plain, "reply", "A reply") });
    }

    [Test]
    public void A_callers_raw_representation_factory_is_blocked_and_the_message_says_what_to_do()
    {
        ChatOptions options = new() { RawRepresentationFactory = _ => null };

        PrivacyViolationException error = Blocked(options);

        Assert.That(error.Finding, Does.Contain("RawRepresentationFactory").And.Contain("cannot be checked").And.Contain("local"));
    }

    private sealed record TaggedResult(DataSensitivity Sensitivity) : ISensitivityTagged;
}

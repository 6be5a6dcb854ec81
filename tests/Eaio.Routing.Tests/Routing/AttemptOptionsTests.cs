using System.Reflection;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>What each attempt's provider receives as <see cref="ChatOptions"/>, and that the caller's options never change.</summary>
public sealed class AttemptOptionsTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    [Test]
    public async Task Options_that_already_name_the_planned_model_go_to_the_last_local_route_as_they_are()
    {
        RecordingClient ollama = new("llama3.2:3b");
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions(), new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = ollama });
        ChatOptions options = Profiled(PrivacyLevel.Private);
        options.ModelId = "llama3.2:3b";

        await router.GetResponseAsync(s_question, options);

        Assert.That(ollama.Received.Single(), Is.SameAs(options));
        Assert.That(options.ModelId, Is.EqualTo("llama3.2:3b"));
    }

    [TestCase(null, "llama3.2:3b", Description = "no model named; the client's default is the planned model")]
    [TestCase(null, null, Description = "a client that does not say its default model")]
    [TestCase("phi3:mini", "llama3.2:3b", Description = "the caller named another model than the plan's")]
    public async Task The_last_local_route_gets_a_copy_naming_the_planned_model(string? callerModel, string? clientDefault)
    {
        // Even a client whose default is the planned model is told it: a host's pipeline may put another default in front.
        RecordingClient ollama = new(clientDefault);
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions(), new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = ollama });
        ChatOptions options = Profiled(PrivacyLevel.Private);
        options.ModelId = callerModel;
        options.Temperature = 0.25f;

        await router.GetResponseAsync(s_question, options);

        ChatOptions received = ollama.Received.Single()!;
        Assert.That(received, Is.Not.SameAs(options));
        Assert.That(received.ModelId, Is.EqualTo("llama3.2:3b"));
        Assert.That(received.Temperature, Is.EqualTo(0.25f), "the copy keeps what the caller set");
        Assert.That(received.AdditionalProperties, Is.SameAs(options.AdditionalProperties), "the copy shares, as the options themselves would");
        Assert.That(options.ModelId, Is.EqualTo(callerModel), "the router must not write into the caller's options");
    }

    [Test]
    public async Task A_model_the_profile_pins_reaches_the_client()
    {
        RecordingClient ollama = new("llama3.2:3b");
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions(), new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = ollama });
        ChatOptions options = Profiled(PrivacyLevel.Private, p => { p.Provider = EaioProviders.Ollama; p.Model = "qwen2.5:7b"; });

        await router.GetResponseAsync(s_question, options);

        Assert.That(ollama.Received.Single()!.ModelId, Is.EqualTo("qwen2.5:7b"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task What_a_failing_route_changes_in_its_options_reaches_neither_the_next_route_nor_the_caller(bool streaming)
    {
        // The local route would take the caller's options as they are if it were the plan's only route.
        RecordingClient ollama = new("llama3.2:3b");
        RecordingClient openAI = new("gpt-4o-mini");
        using HybridRouterChatClient router = TestRouter.Create(
            new EaioHybridChatOptions(),
            new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = ollama, [EaioProviders.OpenAI] = openAI });
        ChatOptions options = Profiled(PrivacyLevel.Public, p => p.CostSensitivity = CostSensitivity.High);
        Assert.That(router.Explain(s_question, options).Routes.Select(r => r.Provider), Is.EqualTo(new[] { EaioProviders.Ollama, EaioProviders.OpenAI }));
        ollama.Fail = true;

        ChatResponse response = streaming
            ? await router.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync()
            : await router.GetResponseAsync(s_question, options);

        Assert.That(response.GetRouteDecision()!.Attempts, Has.Count.EqualTo(2));
        ChatOptions received = openAI.Received.Single()!;
        Assert.That(received.Temperature, Is.Null);
        Assert.That(received.AdditionalProperties?.ContainsKey("changed"), Is.Not.True);
        Assert.That(options.Temperature, Is.Null);
        Assert.That(options.AdditionalProperties?.ContainsKey("changed"), Is.Not.True);
        Assert.That(options.ModelId, Is.Null);
    }

    [Test]
    public void The_copy_that_names_the_model_keeps_every_other_property_of_ChatOptions()
    {
        // Every settable property gets a value unlike its default, so a property MEAI adds and the copy misses fails here.
        ChatOptions options = new();
        foreach (PropertyInfo property in typeof(ChatOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(options, SampleValue(property.PropertyType));
        }

        ChatOptions copy = ChatOptionsCopy.WithModel(options, "qwen2.5:7b");

        Assert.Multiple(() =>
        {
            foreach (PropertyInfo property in typeof(ChatOptions).GetProperties().Where(p => p.CanWrite && p.Name != nameof(ChatOptions.ModelId)))
            {
                Assert.That(property.GetValue(copy), Is.EqualTo(property.GetValue(options)), property.Name);
            }

            Assert.That(copy.ModelId, Is.EqualTo("qwen2.5:7b"));
        });
    }

    [Test]
    public void A_derived_options_type_is_cloned_by_itself()
    {
        DerivedOptions options = new() { Extra = "kept", Temperature = 0.5f };

        ChatOptions copy = ChatOptionsCopy.WithModel(options, "qwen2.5:7b");

        Assert.That(copy, Is.TypeOf<DerivedOptions>());
        Assert.That(((DerivedOptions)copy).Extra, Is.EqualTo("kept"));
        Assert.That(copy.ModelId, Is.EqualTo("qwen2.5:7b"));
        Assert.That(options.ModelId, Is.Null);
    }

    [Test]
    public void Bad_arguments_and_failures_of_a_local_answer_arrive_through_the_task_as_from_an_async_method()
    {
        RecordingClient ollama = new("llama3.2:3b") { Fail = true };
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions(), new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = ollama });

        Task<ChatResponse> noMessages = router.GetResponseAsync(null!);
        Task<ChatResponse> badProfile = router.GetResponseAsync(s_question, Profiled(PrivacyLevel.Private, p => p.Complexity = 2));
        Task<ChatResponse> failed = router.GetResponseAsync(s_question, Profiled(PrivacyLevel.Private));

        Assert.ThrowsAsync<ArgumentNullException>(() => noMessages);
        Assert.ThrowsAsync<ArgumentException>(() => badProfile);
        NoRouteAvailableException? error = Assert.ThrowsAsync<NoRouteAvailableException>(() => failed);
        Assert.That(error!.Attempts.Single().ErrorType, Is.EqualTo(nameof(HttpRequestException)));
    }

    [Test]
    public void Options_given_to_the_constructor_are_validated_like_configuration()
    {
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(
            () => _ = new HybridRouterChatClient(new EaioHybridChatOptions { MaxConcurrentLocal = 0 }, new Dictionary<string, IChatClient>()));

        Assert.That(error!.Message, Does.Contain("MAX_CONCURRENT_LOCAL='0'").And.Contain("1 or more"));
    }

    private static object SampleValue(Type type)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain switch
        {
            _ when plain == typeof(string) => "sample",
            _ when plain == typeof(float) => 0.5f,
            _ when plain == typeof(int) => 7,
            _ when plain == typeof(long) => 7L,
            _ when plain == typeof(bool) => true,
            _ when plain == typeof(IList<string>) => new List<string> { "stop" },
            _ when plain == typeof(IList<AITool>) => new List<AITool> { AIFunctionFactory.Create(() => 1, "one") },
            _ when plain == typeof(ChatResponseFormat) => ChatResponseFormat.Json,
            _ when plain == typeof(ChatToolMode) => ChatToolMode.RequireAny,
            _ when plain == typeof(AdditionalPropertiesDictionary) => new AdditionalPropertiesDictionary { ["k"] = "v" },
            _ when plain == typeof(Func<IChatClient, object?>) => (Func<IChatClient, object?>)(_ => null),
            _ => Activator.CreateInstance(plain, nonPublic: true)
                ?? throw new InvalidOperationException($"No sample value for {plain}: add one here."),
        };
    }

    private static ChatOptions Profiled(PrivacyLevel privacy, Action<RequestProfile>? more = null) =>
        new ChatOptions().WithEaio(p =>
        {
            p.Privacy = privacy;
            p.Sensitivity = DataSensitivity.Public;
            p.Complexity = 0.4;
            p.Domain = RequestDomain.General;
            more?.Invoke(p);
        });

    private sealed class DerivedOptions : ChatOptions
    {
        public DerivedOptions()
        {
        }

        private DerivedOptions(DerivedOptions other)
            : base(other)
        {
            Extra = other.Extra;
        }

        public string? Extra { get; set; }

        public override ChatOptions Clone() => new DerivedOptions(this);
    }

    /// <summary>A provider that records the options it gets and, when told to fail, first changes them the way MEAI allows.</summary>
    private sealed class RecordingClient(string? defaultModel) : IChatClient
    {
        public List<ChatOptions?> Received { get; } = [];

        public bool Fail { get; set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Record(options);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { FinishReason = ChatFinishReason.Stop });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Record(options);
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok") { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("recording", null, defaultModel) : null;

        public void Dispose()
        {
        }

        private void Record(ChatOptions? options)
        {
            Received.Add(options);
            if (Fail)
            {
                options!.Temperature = 2f;
                (options.AdditionalProperties ??= [])["changed"] = true;
                throw new HttpRequestException("the provider failed");
            }
        }
    }
}

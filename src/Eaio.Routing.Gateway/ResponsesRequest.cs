using System.Text.Json;

namespace Eaio.Routing.Gateway;

/// <summary>A validated <c>POST /v1/responses</c> body: the chat request it maps to, and what the answer echoes back.</summary>
/// <param name="Chat">The same request the chat completions endpoint would make of the router.</param>
/// <param name="Instructions">The <c>instructions</c> (a system message in <see cref="ChatCompletionRequest.Messages"/>), echoed in the response.</param>
/// <param name="Tools">The <c>tools</c> as sent, echoed in the response; an empty array when none.</param>
/// <param name="ToolChoice">The <c>tool_choice</c> as sent, echoed in the response; <c>"auto"</c> when none.</param>
/// <param name="TextFormat">The <c>text.format</c> as sent, echoed in the response; <c>{"type":"text"}</c> when none.</param>
/// <param name="ParallelToolCalls">The <c>parallel_tool_calls</c> as sent; <see langword="true"/> when absent, as OpenAI reports it.</param>
/// <param name="PreviousResponseId">The <c>previous_response_id</c> whose conversation was put before the input, echoed in the response.</param>
/// <param name="KeptInput">The whole input as the JSON of input items (the previous response's conversation first, references
/// resolved, no instructions) to keep with the answer in the <see cref="ResponseStore"/>; <see langword="null"/> when the
/// response is not to be kept (<c>store: false</c>, or the store is off).</param>
internal sealed record ResponsesRequest(
    ChatCompletionRequest Chat,
    string? Instructions,
    JsonElement Tools,
    JsonElement ToolChoice,
    JsonElement TextFormat,
    bool ParallelToolCalls,
    string? PreviousResponseId,
    IReadOnlyList<byte[]>? KeptInput);

namespace Server.Generation;

/// <summary>
/// The engine as the HTTP server sees it: the served models, their tokenizers and chat templates, and
/// generation. The composition root adapts the real engine to it; tests use a deterministic fake.
/// </summary>
/// <remarks>
/// Methods taking a model name are only called with an id from <see cref="Models"/>. Bad input the engine
/// detects is reported with <see cref="ChatRenderException"/> (templates) or
/// <see cref="GenerationRejectedException"/> (anything else about the request); the server turns both into 400.
/// </remarks>
public interface IModelHost
{
    /// <summary>Every servable model name, LoRA finetunes included (one card each).</summary>
    IReadOnlyList<ServedModel> Models { get; }

    /// <summary>True once the engine can serve; <c>/health</c> answers 503 while false.</summary>
    bool IsReady { get; }

    /// <summary>Encodes <paramref name="text"/>; <paramref name="addSpecialTokens"/> adds BOS and the like.</summary>
    IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens);

    /// <summary>Encodes a rendered chat (<paramref name="rendered"/> = <see cref="RenderChat"/> of <paramref name="request"/>);
    /// a host may tell the template's special tokens from those in message content (parse-special off).</summary>
    IReadOnlyList<int> TokenizeChat(string model, ChatRenderRequest request, string rendered, bool addSpecialTokens) =>
        Tokenize(model, rendered, addSpecialTokens);

    /// <summary>Decodes ids to text (special tokens skipped when <paramref name="skipSpecialTokens"/>).</summary>
    string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens);

    /// <summary>The text of one token on its own (for <c>token_strs</c> and logprob keys).</summary>
    string TokenText(string model, int tokenId);

    /// <summary>Renders <paramref name="request"/> with the model's (or the request's) chat template.</summary>
    /// <exception cref="ChatRenderException">No template, or the template failed.</exception>
    string RenderChat(string model, ChatRenderRequest request);

    /// <summary>
    /// Generates <see cref="GenerationRequest.N"/> choices for one prompt. Chunks of different choices may
    /// interleave; each choice ends with one chunk whose <see cref="GenerationChunk.FinishReason"/> is set.
    /// Cancelling <paramref name="cancellationToken"/> (client gone) aborts every choice and frees its blocks.
    /// </summary>
    IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, CancellationToken cancellationToken);

    /// <summary>Scheduler and KV-cache occupancy for <c>/metrics</c>.</summary>
    EngineStats Stats { get; }
}

using System.Runtime.CompilerServices;
using Server.Errors;

namespace Server.Generation;

/// <summary>
/// The stand-in <c>engine serve</c> uses until the engine is adapted to <see cref="IModelHost"/>: it lists
/// the configured model names, reports not-ready (/health → 503) and answers every model call with 503.
/// </summary>
public sealed class UnwiredModelHost(IReadOnlyList<string> names) : IModelHost
{
    public IReadOnlyList<ServedModel> Models { get; } =
        [.. names.Select(n => new ServedModel(n, "engine", 0, 0, false, n, null, DateTimeOffset.UtcNow.ToUnixTimeSeconds()))];

    public bool IsReady => false;

    public EngineStats Stats => default;

    public IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens) => throw NotWired();

    public string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens) => throw NotWired();

    public string TokenText(string model, int tokenId) => throw NotWired();

    public string RenderChat(string model, ChatRenderRequest request) => throw NotWired();

    public async IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw NotWired();
#pragma warning disable CS0162 // an async iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    private static ApiException NotWired() =>
        new(503, "ServiceUnavailableError", "The engine is not available in this build.", null);
}

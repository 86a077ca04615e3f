using System.Runtime.CompilerServices;
using Server.Generation;
using Server.Tests.Fakes;

namespace Server.Tests.Tools;

/// <summary>
/// <see cref="FakeModelHost"/> whose every choice replies <see cref="Reply"/>, three characters per chunk (one
/// byte-token each), then finishes with <c>stop</c>: a model that writes tool calls on cue.
/// </summary>
public sealed class ScriptedModelHost(string reply) : IModelHost
{
    private readonly FakeModelHost _inner = new();

    public string Reply { get; } = reply;

    public IReadOnlyList<ServedModel> Models => _inner.Models;

    public bool IsReady => _inner.IsReady;

    public EngineStats Stats => _inner.Stats;

    public IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens) => _inner.Tokenize(model, text, addSpecialTokens);

    public string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens) => _inner.Detokenize(model, tokenIds, skipSpecialTokens);

    public string TokenText(string model, int tokenId) => _inner.TokenText(model, tokenId);

    public string RenderChat(string model, ChatRenderRequest request) => _inner.RenderChat(model, request);

    public async IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var c = 0; c < request.N; c++)
        {
            for (var at = 0; at < Reply.Length; at += 3)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                var piece = Reply[at..Math.Min(at + 3, Reply.Length)];
                var last = at + 3 >= Reply.Length;
                yield return new GenerationChunk(c, piece, [.. piece.Select(ch => (int)ch)], null, last ? "stop" : null, null, 0);
            }
        }
    }
}

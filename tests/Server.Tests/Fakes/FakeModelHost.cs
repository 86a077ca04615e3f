using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Server.Generation;

namespace Server.Tests.Fakes;

/// <summary>
/// The one fake of the suite: a deterministic engine over a byte tokenizer (ids 0–255 are bytes, 256 is
/// BOS, 257 EOS). Choice c of a request with seed s emits, at step t, the letter
/// 'a' + (s + 3c + t) mod 26 — so tests can compute the expected text by hand. Honours max_tokens, stop
/// strings (earliest match, text cut before it), n, scalar and list seeds, and logprobs.
/// </summary>
public sealed class FakeModelHost : IModelHost
{
    public const int Bos = 256;
    public const int Eos = 257;
    public const int Vocab = 258;

    public IReadOnlyList<ServedModel> Models { get; init; } =
    [
        new("tiny", "engine", 64, Vocab, true, "/models/tiny", null, 1_700_000_000),
        new("tiny-lora", "engine", 64, Vocab, true, "/models/tiny", "tiny", 1_700_000_000),
        new("no-template", "engine", 64, Vocab, false, "/models/no-template", null, 1_700_000_000),
    ];

    public bool IsReady { get; set; } = true;

    /// <summary>When set, generation waits for it before the first token (holds requests in flight).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Pause between tokens (streaming tests that must see several chunks).</summary>
    public TimeSpan TokenDelay { get; set; }

    public ConcurrentQueue<GenerationRequest> Requests { get; } = new();

    private int _active;
    private int _cancelled;
    private readonly TaskCompletionSource _firstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Active => Volatile.Read(ref _active);

    public int Cancelled => Volatile.Read(ref _cancelled);

    public Task FirstStarted => _firstStarted.Task;

    public Task FirstCancelled => _firstCancelled.Task;

    public EngineStats Stats => new(Active, 0, 3 * Active, 100);

    public IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens)
    {
        var ids = new List<int>();
        if (addSpecialTokens) ids.Add(Bos);
        foreach (var b in Encoding.UTF8.GetBytes(text)) ids.Add(b);
        return ids;
    }

    public string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        foreach (var id in tokenIds)
        {
            if (id < 256) { bytes.Add((byte)id); continue; }
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
            if (!skipSpecialTokens) text.Append(TokenText(model, id));
        }
        return text.Append(Encoding.UTF8.GetString(bytes.ToArray())).ToString();
    }

    public string TokenText(string model, int tokenId) => tokenId switch
    {
        Bos => "<s>",
        Eos => "</s>",
        _ => ((char)tokenId).ToString(),
    };

    /// <summary>"&lt;|role|&gt;content\n" per message, then "&lt;|assistant|&gt;" for the generation prompt; template "BROKEN" fails.</summary>
    public string RenderChat(string model, ChatRenderRequest request)
    {
        if (request.Template == "BROKEN") throw new ChatRenderException("unexpected end of template at line 1");
        var text = new StringBuilder(request.Template ?? string.Empty);
        foreach (var m in request.Messages) text.Append("<|").Append(m.Role).Append("|>").Append(m.Content).Append('\n');
        if (request.AddGenerationPrompt) text.Append("<|assistant|>");
        return text.ToString();
    }

    /// <summary>The letter choice <paramref name="choice"/> emits at <paramref name="step"/> (the test oracle).</summary>
    public static char Letter(long seed, int choice, int step) => (char)('a' + (int)((seed + 3 * choice + step) % 26));

    public async IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        Interlocked.Increment(ref _active);
        _firstStarted.TrySetResult();
        try
        {
            if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
            var s = request.Sampling;
            var texts = new StringBuilder[request.N];
            var sent = new int[request.N];
            var done = new bool[request.N];
            for (var c = 0; c < request.N; c++) texts[c] = new StringBuilder();
            // Stop-string hold-back as samplers.md §9.3: the last max(len)−1 characters wait until they cannot start a match.
            var holdBack = s.Stop.Count == 0 ? 0 : s.Stop.Max(x => x.Length) - 1;
            for (var step = 0; step < request.MaxTokens && done.Contains(false); step++)
            {
                if (TokenDelay > TimeSpan.Zero) await Task.Delay(TokenDelay, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                for (var c = 0; c < request.N; c++)
                {
                    if (done[c]) continue;
                    var seed = s.Seeds.Count > 0 ? s.Seeds[c] : s.Seed ?? 0;
                    var letter = Letter(seed, s.Seeds.Count > 0 ? 0 : c, step);
                    texts[c].Append(letter);
                    var text = texts[c].ToString();
                    IReadOnlyList<TokenLogprob>? lp = s.Logprobs is int k
                        ? [new TokenLogprob(letter, -0.5f, Enumerable.Range(0, k).Select(j => new TopLogprob(letter + j, -0.5f - j)).ToList())]
                        : null;
                    string? finish = null;
                    StopReason? stop = null;
                    var end = Math.Max(sent[c], text.Length - holdBack);
                    foreach (var st in s.Stop)
                    {
                        var at = text.IndexOf(st, StringComparison.Ordinal);
                        if (at < 0) continue;
                        (finish, stop, end) = ("stop", StopReason.OfText(st), at);
                        break;
                    }
                    if (finish is null && step + 1 == request.MaxTokens) (finish, end) = ("length", text.Length);
                    done[c] = finish is not null;
                    var delta = text[sent[c]..end];
                    sent[c] = end;
                    yield return new GenerationChunk(c, delta, [letter], lp, finish, stop, seed);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            if (cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _cancelled);
                _firstCancelled.TrySetResult();
            }
        }
    }
}

using System.Text;
using Engine.Generation;
using Engine.Sampling;
using Engine.Scheduling;
using Engine.Tokenization;

namespace Engine.Output;

/// <summary>
/// Turns one choice's token stream into text outputs, off the core thread: incremental detokenisation
/// (<c>skip_special_tokens</c>), stop strings with hold-back (<c>include_stop_str_in_output</c>, checked only from
/// <c>min_tokens</c> on), logprobs, finish_reason and stop_reason. It also keeps the whole choice for best_of ranking.
/// </summary>
public sealed class OutputProcessor
{
    private readonly IncrementalDetokenizer? _detokenizer;
    private readonly Tokenizer? _tokenizer;
    private readonly IReadOnlyList<int> _promptTokenIds;
    private readonly StopStrings _stops;
    private readonly StopConditions _conditions;
    private readonly bool _wantLogprobs;
    private readonly List<int> _allTokens = [];
    private readonly List<SampleLogprobs> _allLogprobs = [];
    private readonly StringBuilder _allText = new();
    private int _generated;
    private int? _lastStopTokenId;
    private IReadOnlyList<PromptLogprob?>? _promptLogprobs;
    private IReadOnlyList<TokenPiece>? _promptPieces;
    private bool _promptLogprobsSent;

    /// <param name="tokenizer">Null, or <c>detokenize = false</c>: no text, and stop strings never match.</param>
    /// <param name="promptTokenIds">The prompt: output text is decoded in its context (vLLM's prefix offset), so a
    /// first token keeps its leading space and echo + text equals the decode of prompt + output.</param>
    public OutputProcessor(int choice, long seed, SamplingParams parameters, Tokenizer? tokenizer, StopConditions conditions,
        IReadOnlyList<int> promptTokenIds)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(promptTokenIds);
        Choice = choice;
        Seed = seed;
        _tokenizer = parameters.Detokenize ? tokenizer : null;
        _promptTokenIds = promptTokenIds;
        _detokenizer = _tokenizer?.CreateDetokenizer(promptTokenIds, parameters.SkipSpecialTokens);
        _stops = new StopStrings(_detokenizer is null ? [] : parameters.Stop, parameters.IncludeStopStrInOutput);
        _conditions = conditions;
        _wantLogprobs = parameters.Logprobs is not null;
    }

    public int Choice { get; }

    public long Seed { get; }

    public double CumulativeLogprob { get; private set; }

    public FinishReason? FinishReason { get; private set; }

    /// <summary>True once a stop string matched: the caller aborts the sequence (its later tokens are dropped).</summary>
    public bool StoppedByString => _stops.Stopped;

    /// <summary>Processes one token from the core thread.</summary>
    public RequestOutput Process(GenerationOutput output)
    {
        if (FinishReason is not null)
        {
            return Delta("", [], null, null);
        }
        if (_promptLogprobs is null && output.PromptLogprobs is not null)
        {
            (_promptLogprobs, _promptPieces) = WithPromptPieces(output.PromptLogprobs);
        }
        int[] ids = [];
        SampleLogprobs[]? logprobs = null;
        var piece = "";
        IReadOnlyList<TokenPiece>? topPieces = null;
        if (output.TokenId >= 0)
        {
            ids = [output.TokenId];
            _generated++;
            CumulativeLogprob += output.Logprob;
            if (_wantLogprobs && _detokenizer is not null && output.TopLogprobs is { Length: > 0 } top)
            {
                topPieces = Peek(_detokenizer, top);
            }
            if (_detokenizer is not null && (output.FinishReason is null || output.KeepTokenText))
            {
                piece = _detokenizer.Add(output.TokenId);
            }
        }
        if (output.FinishReason is not null && _detokenizer is not null)
        {
            piece += _detokenizer.Finish();
        }
        if (output.TokenId >= 0 && _wantLogprobs)
        {
            // the token's text in context is exactly what it added to the output (released held-back bytes included)
            logprobs = [new SampleLogprobs(output.TokenId, output.Logprob, output.TopLogprobs ?? [])
            {
                Piece = _tokenizer is null ? null : new TokenPiece(piece, _tokenizer.TokenBytes(output.TokenId, piece)),
                TopPieces = _tokenizer is null ? null : topPieces ?? [],
            }];
        }
        var result = _stops.Append(piece, _conditions.CheckStopStrings(_generated));
        var text = result.Emit;
        if (result.Stopped)
        {
            FinishReason = Scheduling.FinishReason.Stop;
            return Delta(text, ids, logprobs, null, result.StopReason);
        }
        if (output.FinishReason is { } reason)
        {
            text += _stops.Flush();
            FinishReason = reason;
            return Delta(text, ids, logprobs, output.StopTokenId);
        }
        return Delta(text, ids, logprobs, null);
    }

    private List<TokenPiece> Peek(IncrementalDetokenizer detokenizer, TokenLogprob[] top)
    {
        var pieces = new List<TokenPiece>(top.Length);
        foreach (var alt in top)
        {
            var text = detokenizer.Peek(alt.TokenId);
            pieces.Add(new TokenPiece(text, _tokenizer!.TokenBytes(alt.TokenId, text)));
        }
        return pieces;
    }

    // Prompt tokens and their alternatives as text in the prompt (special tokens kept: echo returns the prompt as sent).
    private (IReadOnlyList<PromptLogprob?>, IReadOnlyList<TokenPiece>?) WithPromptPieces(IReadOnlyList<PromptLogprob?> entries)
    {
        if (_tokenizer is null)
        {
            return (entries, null);
        }
        var detokenizer = _tokenizer.CreateDetokenizer();
        var pieces = new TokenPiece[_promptTokenIds.Count];
        var annotated = new PromptLogprob?[entries.Count];
        for (var i = 0; i < _promptTokenIds.Count; i++)
        {
            if (i < entries.Count && entries[i] is { } e)
            {
                annotated[i] = e with { TopPieces = Peek(detokenizer, [.. e.Top]) };
            }
            var id = _promptTokenIds[i];
            var text = detokenizer.Add(id);
            if (i == _promptTokenIds.Count - 1)
            {
                text += detokenizer.Finish();
            }
            pieces[i] = new TokenPiece(text, _tokenizer.TokenBytes(id, text));
        }
        return (annotated, pieces);
    }

    /// <summary>The sequence ended without a finish (aborted): flushes what was held back, finish "abort".</summary>
    public RequestOutput Abort()
    {
        var text = _detokenizer is null ? "" : _stops.Append(_detokenizer.Finish(), checkStops: false).Emit + _stops.Flush();
        FinishReason = Scheduling.FinishReason.Abort;
        return Delta(text, [], null, null);
    }

    /// <summary>The whole choice as one output (best_of returns the winners this way), relabelled <paramref name="rank"/>.</summary>
    public RequestOutput Whole(int rank) =>
        new(rank, _allText.ToString(), _allTokens, _wantLogprobs ? _allLogprobs : null, FinishReason, _stops.StopReason,
            _lastStopTokenId, Seed, CumulativeLogprob) { PromptLogprobs = _promptLogprobs, PromptPieces = _promptPieces };

    private RequestOutput Delta(string text, int[] ids, SampleLogprobs[]? logprobs, int? stopTokenId, string? stopString = null)
    {
        _allText.Append(text);
        _allTokens.AddRange(ids);
        if (logprobs is not null)
        {
            _allLogprobs.AddRange(logprobs);
        }
        _lastStopTokenId ??= stopTokenId;
        // prompt logprobs travel once, on the first delta that has them
        var prompt = _promptLogprobsSent ? null : _promptLogprobs;
        _promptLogprobsSent |= prompt is not null;
        return new RequestOutput(Choice, text, ids, logprobs, FinishReason, stopString, stopTokenId, Seed, CumulativeLogprob)
        {
            PromptLogprobs = prompt,
            PromptPieces = prompt is null ? null : _promptPieces,
        };
    }
}

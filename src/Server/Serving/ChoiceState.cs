using System.Text;
using Server.Generation;

namespace Server.Serving;

/// <summary>What one choice has produced so far (non-streaming responses and usage counts).</summary>
public sealed class ChoiceState
{
    public StringBuilder Text { get; } = new();

    public List<int> TokenIds { get; } = [];

    public List<TokenLogprob> Logprobs { get; } = [];

    public string? FinishReason { get; private set; }

    public StopReason? StopReason { get; private set; }

    public long? Seed { get; private set; }

    public IReadOnlyList<PromptTokenLogprob?>? PromptLogprobs { get; private set; }

    public IReadOnlyList<string>? PromptTokenTexts { get; private set; }

    public void Add(GenerationChunk chunk)
    {
        Text.Append(chunk.Text);
        TokenIds.AddRange(chunk.TokenIds);
        if (chunk.Logprobs is not null) Logprobs.AddRange(chunk.Logprobs);
        Seed ??= chunk.Seed;
        PromptLogprobs ??= chunk.PromptLogprobs;
        PromptTokenTexts ??= chunk.PromptTokenTexts;
        if (chunk.FinishReason is not null)
        {
            FinishReason = chunk.FinishReason;
            StopReason = chunk.StopReason;
        }
    }
}

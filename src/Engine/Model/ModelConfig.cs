namespace Engine.Model;

/// <summary>
/// The runtime blueprint of a Llama-family decoder (Llama, Mistral, Qwen2, Qwen3): every size the forward pass,
/// the KV cache and the scheduler need. Field names follow llama2.c's <c>Config</c>; the HF config.json name is
/// given on each member.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Name reported to clients (e.g. the checkpoint folder name, or <c>builtin-random-tiny</c>).</summary>
    public string Name { get; init; } = "model";

    /// <summary>HF <c>model_type</c>: llama, mistral, qwen2 or qwen3 (informational; the flags below drive the math).</summary>
    public string Architecture { get; init; } = "llama";

    /// <summary>Residual width (<c>hidden_size</c>).</summary>
    public required int Dim { get; init; }

    /// <summary>SwiGLU inner width (<c>intermediate_size</c>).</summary>
    public required int HiddenDim { get; init; }

    /// <summary><c>num_hidden_layers</c>.</summary>
    public required int NumLayers { get; init; }

    /// <summary>Query heads (<c>num_attention_heads</c>).</summary>
    public required int NumHeads { get; init; }

    /// <summary>Key/value heads (<c>num_key_value_heads</c>); query head j reads KV head j / (NumHeads / NumKvHeads).</summary>
    public required int NumKvHeads { get; init; }

    /// <summary>Per-head width (<c>head_dim</c>, default Dim / NumHeads). Qwen3 decouples it from Dim.</summary>
    public required int HeadDim { get; init; }

    /// <summary><c>vocab_size</c>.</summary>
    public required int VocabSize { get; init; }

    /// <summary><c>rms_norm_eps</c>: rmsnorm(x) = x / sqrt(mean(x²) + eps).</summary>
    public float NormEps { get; init; } = 1e-5f;

    /// <summary><c>rope_theta</c>: base of the rotary frequencies θ_i = base^(−2i/HeadDim).</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary><c>rope_scaling</c>, or null for plain RoPE.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary><c>tie_word_embeddings</c>: the classifier reuses the embedding matrix.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Biases on the q, k and v projections (Qwen2's <c>attention_bias</c>).</summary>
    public bool QkvBias { get; init; }

    /// <summary>Qwen3's per-head RMSNorm of q and k before RoPE.</summary>
    public bool QkNorm { get; init; }

    /// <summary><c>max_position_embeddings</c>: the longest sequence the model runs (positions 0 .. MaxContext−1).</summary>
    public required int MaxContext { get; init; }

    /// <summary>Token ids that end generation by default (from <c>eos_token_id</c>, scalar or list).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary><c>bos_token_id</c>, when the checkpoint names one.</summary>
    public int? BosTokenId { get; init; }

    public int QDim => NumHeads * HeadDim;

    public int KvDim => NumKvHeads * HeadDim;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        Positive(Dim, nameof(Dim));
        Positive(HiddenDim, nameof(HiddenDim));
        Positive(NumLayers, nameof(NumLayers));
        Positive(NumHeads, nameof(NumHeads));
        Positive(NumKvHeads, nameof(NumKvHeads));
        Positive(HeadDim, nameof(HeadDim));
        Positive(VocabSize, nameof(VocabSize));
        Positive(MaxContext, nameof(MaxContext));
        if (NumHeads % NumKvHeads != 0)
        {
            throw new InvalidDataException($"Model config '{Name}': NumHeads ({NumHeads}) is not a multiple of NumKvHeads ({NumKvHeads}).");
        }
        if (HeadDim % 2 != 0)
        {
            throw new InvalidDataException($"Model config '{Name}': HeadDim ({HeadDim}) must be even for rotary embeddings.");
        }
        if (!(NormEps > 0))
        {
            throw new InvalidDataException($"Model config '{Name}': NormEps ({NormEps}) must be positive.");
        }
        if (!(RopeTheta > 0))
        {
            throw new InvalidDataException($"Model config '{Name}': RopeTheta ({RopeTheta}) must be positive.");
        }
        foreach (var eos in EosTokenIds)
        {
            if (eos < 0 || eos >= VocabSize)
            {
                throw new InvalidDataException($"Model config '{Name}': eos token id {eos} is outside the vocabulary (0..{VocabSize - 1}).");
            }
        }
    }

    private void Positive(int value, string field)
    {
        if (value <= 0)
        {
            throw new InvalidDataException($"Model config '{Name}': {field} must be positive, got {value}.");
        }
    }
}

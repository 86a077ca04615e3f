namespace Loader.Llama2c;

/// <summary>The tensors of a llama2.c checkpoint, in file order.</summary>
public enum Llama2cTensorKind
{
    /// <summary><c>[vocab, dim]</c>.</summary>
    TokenEmbedding,

    /// <summary><c>[n_layers, dim]</c>: attention RMSNorm weights.</summary>
    RmsAtt,

    /// <summary><c>[n_layers, n_heads*head_size, dim]</c>.</summary>
    Wq,

    /// <summary><c>[n_layers, kv_dim, dim]</c>.</summary>
    Wk,

    /// <summary><c>[n_layers, kv_dim, dim]</c>.</summary>
    Wv,

    /// <summary><c>[n_layers, dim, n_heads*head_size]</c>.</summary>
    Wo,

    /// <summary><c>[n_layers, dim]</c>: feed-forward RMSNorm weights (stored after wo).</summary>
    RmsFfn,

    /// <summary><c>[n_layers, hidden_dim, dim]</c>: gate.</summary>
    W1,

    /// <summary><c>[n_layers, dim, hidden_dim]</c>: down.</summary>
    W2,

    /// <summary><c>[n_layers, hidden_dim, dim]</c>: up.</summary>
    W3,

    /// <summary><c>[dim]</c>.</summary>
    RmsFinal,

    /// <summary><c>[seq_len, head_size/2]</c>: legacy RoPE table, unused by run.c.</summary>
    FreqCisReal,

    /// <summary><c>[seq_len, head_size/2]</c>: legacy RoPE table, unused by run.c.</summary>
    FreqCisImag,

    /// <summary><c>[vocab, dim]</c>: the classifier; the embedding itself when shared.</summary>
    Wcls,
}

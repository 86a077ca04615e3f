namespace Engine.Sampling;

/// <summary>Why a sequence finished after a token (§9 order of checks).</summary>
public enum StopKind
{
    None,

    /// <summary>EOS (model, generation config or Friendli <c>eos_token</c>) without <c>ignore_eos</c>: "stop", stop_reason null.</summary>
    Eos,

    /// <summary>A <c>stop_token_ids</c> hit: "stop", stop_reason = the id.</summary>
    StopToken,

    /// <summary>A stop string matched (checked by the caller on detokenised text): "stop", stop_reason = the string.</summary>
    StopString,

    /// <summary><c>max_tokens</c> or the context limit: "length".</summary>
    Length,
}

namespace Engine.Sampling;

/// <summary>
/// The fourteen reorderable samplers of pipeline stage S4 with their fixed aph-0.6 integer ids
/// (samplers.md §3.2). <c>sampler_priority</c> lists these ids or their names, case-insensitively.
/// </summary>
public enum SamplerId
{
    TopPTopK = 0,
    TopA = 1,
    MinP = 2,
    Tfs = 3,
    TypicalP = 4,
    Temperature = 5,
    Penalties = 6,
    Dry = 7,
    NoRepeatNgram = 8,
    TopNSigma = 9,
    EtaCutoff = 10,
    EpsilonCutoff = 11,
    Quadratic = 12,
    Xtc = 13,
}

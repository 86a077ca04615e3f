using Engine.Sampling;

namespace Engine.Tests.Sampling;

/// <summary>Beam search over a toy model: a table from output prefix to next-token probabilities (vocab {t0, t1, EOS = 2}).</summary>
public sealed class BeamSearchTests
{
    private const int Eos = 2;

    private sealed class ToyModel(Dictionary<string, float[]> table)
    {
        public int Calls { get; private set; }

        public float[][] Step(IReadOnlyList<IReadOnlyList<int>> beams)
        {
            Calls++;
            return [.. beams.Select(b => table.TryGetValue(string.Join(",", b), out var p)
                ? p.Select(x => MathF.Log(x)).ToArray()
                : [MathF.Log(0.05f), MathF.Log(0.05f), MathF.Log(0.9f)])];
        }
    }

    private static BeamSearchConfig Config(int maxTokens, float lengthPenalty, EarlyStopping early, int maxModelLen = 100, int n = 2) =>
        new(BeamWidth: 2, N: n, PromptLength: 1, MaxTokens: maxTokens, MaxModelLen: maxModelLen)
        {
            LengthPenalty = lengthPenalty,
            EarlyStopping = early,
            StopConditions = new StopConditions(new SamplingParams(), [Eos], maxTokens, maxModelLen),
            EosTokenIds = [Eos],
        };

    [Fact]
    public void FindsSequenceGreedyMisses_AndScoresWithoutFinalEos()
    {
        // Greedy takes t0 (0.5) then EOS; the beam keeps t1 (0.3), whose follower t0 has 0.9.
        var model = new ToyModel(new()
        {
            [""] = [0.5f, 0.3f, 0.2f],
            ["0"] = [0.1f, 0.1f, 0.8f],
            ["1"] = [0.9f, 0.05f, 0.05f],
        });
        var result = BeamSearch.Run(Config(maxTokens: 2, lengthPenalty: 1f, EarlyStopping.True), model.Step);
        Assert.Equal([1, 0], result[0].Tokens);
        // ln 0.3 + ln 0.9 over length prompt 1 + 2 outputs = 3.
        Assert.Equal((Math.Log(0.3) + Math.Log(0.9)) / 3, result[0].Score, 1e-5);
        Assert.Equal(StopKind.Length, result[0].Finish.Kind);
        Assert.Equal([0, Eos], result[1].Tokens);
        // The final EOS does not count: length 1 + 2 − 1 = 2.
        Assert.Equal((Math.Log(0.5) + Math.Log(0.8)) / 2, result[1].Score, 1e-5);
        Assert.Equal(StopKind.Eos, result[1].Finish.Kind);
    }

    private static Dictionary<string, float[]> EarlyStoppingTable() => new()
    {
        [""] = [0.3f, 0.2f, 0.5f],
        ["0"] = [0.05f, 0.05f, 0.9f],
        ["1"] = [0.25f, 0.25f, 0.5f],
        ["1,0"] = [0.0001f, 0.0001f, 0.9998f],
        ["1,1"] = [0.0001f, 0.0001f, 0.9998f],
    };

    [Fact]
    public void EarlyStoppingTrue_StopsOnceWidthFinished_FalseKeepsSearchingWhileALiveBeamCanWin()
    {
        // length_penalty 2: after step 2 the finished pool is [0,EOS] (−0.327), [1,EOS] (−0.576); live [1,0] scores
        // −2.996/9 = −0.333 at its current length, better than −0.576, so "false" continues and finds [1,0,EOS].
        var eager = new ToyModel(EarlyStoppingTable());
        var eagerResult = BeamSearch.Run(Config(3, 2f, EarlyStopping.True), eager.Step);
        Assert.Equal(2, eager.Calls);
        Assert.Equal([[0, Eos], [1, Eos]], eagerResult.Select(r => r.Tokens.ToArray()).ToArray());

        var patient = new ToyModel(EarlyStoppingTable());
        var patientResult = BeamSearch.Run(Config(3, 2f, EarlyStopping.False), patient.Step);
        Assert.Equal(3, patient.Calls);
        Assert.Equal([[0, Eos], [1, 0, Eos]], patientResult.Select(r => r.Tokens.ToArray()).ToArray());
    }

    [Fact]
    public void EarlyStoppingNever_ScoresLiveBeamAtLongestLength_AndSearchesLonger()
    {
        // length_penalty 1: "false" stops after step 2 (live −2.996/3 < worst finished −0.693), "never" scores
        // the live beam at max(1 + 3, 100) = 100 tokens (−0.03) and searches one more step.
        var patient = new ToyModel(EarlyStoppingTable());
        BeamSearch.Run(Config(3, 1f, EarlyStopping.False), patient.Step);
        Assert.Equal(2, patient.Calls);
        var never = new ToyModel(EarlyStoppingTable());
        var result = BeamSearch.Run(Config(3, 1f, EarlyStopping.Never), never.Step);
        Assert.Equal(3, never.Calls);
        Assert.Equal([0, Eos], result[0].Tokens);
    }

    [Fact]
    public void EarlyStoppingTrueFalseAndNever_GiveThreeDifferentResults()
    {
        // The table above plus a near-certain run 1,0,0,0 then EOS; length_penalty 2, max_tokens 6, width 2.
        // true: two finished after step 2 ([0,EOS] −0.327, [1,EOS] −0.576): stop.
        // false: keeps going while the best live beam at its current length beats −0.576; [1,0,0,0,EOS]
        //   (ln(0.2·0.25·0.9998³·0.9998) / 5² = −0.120) enters, and after step 5 the live [1,0,0,0,0] at its
        //   current length (ln(0.2·0.25·0.9998³·1e−4) / 6² = −0.339) no longer beats the worst kept (−0.327): stop.
        // "never": scores live beams at max(1 + 6, 100) = 100 tokens, so it runs to max_tokens, where the
        //   length-finished [1,0,0,0,0,0] (ln(0.2·0.25·0.9998³·1e−4·0.05) / 7² = −0.310; the last step is the
        //   table's default row) displaces [0,EOS] (−0.327).
        var table = EarlyStoppingTable();
        table["1,0"] = [0.9998f, 0.0001f, 0.0001f];
        table["1,0,0"] = [0.9998f, 0.0001f, 0.0001f];
        table["1,0,0,0"] = [0.0001f, 0.0001f, 0.9998f];
        int[][] Result(EarlyStopping early) =>
            [.. BeamSearch.Run(Config(6, 2f, early), new ToyModel(table).Step).Select(r => r.Tokens.ToArray())];

        Assert.Equal([[0, Eos], [1, Eos]], Result(EarlyStopping.True));
        Assert.Equal([[1, 0, 0, 0, Eos], [0, Eos]], Result(EarlyStopping.False));
        Assert.Equal([[1, 0, 0, 0, Eos], [1, 0, 0, 0, 0, 0]], Result(EarlyStopping.Never));
    }

    [Fact]
    public void ReturnsNBest_SortedByScore()
    {
        var model = new ToyModel(EarlyStoppingTable());
        var result = BeamSearch.Run(Config(3, 1f, EarlyStopping.False, n: 1), model.Step);
        Assert.Single(result);
        var all = BeamSearch.Run(Config(3, 1f, EarlyStopping.False, n: 2), new ToyModel(EarlyStoppingTable()).Step);
        Assert.True(all[0].Score >= all[1].Score);
        Assert.Equal(all[0].Tokens, result[0].Tokens);
    }
}

using System.Text;
using System.Text.RegularExpressions;
using Engine.Guided;
using FsCheck;
using FsCheck.Fluent;
using static Engine.Tests.Guided.GuidedKit;

namespace Engine.Tests.Guided;

/// <summary>The regex front-end against .NET's <see cref="Regex"/> (anchored full match) on random patterns.</summary>
public sealed class RegexPropertyTests
{
    /// <summary>Every class below contains at least one of these, so strings over it can witness every branch.</summary>
    private const string Alphabet = "ab1 ";

    private static readonly string[] Classes = ["[ab]", "[^a]", "[a-b1]", "\\d", "\\w", "\\s", "\\D", ".", "[\\d ]", "[^\\s]"];

    /// <summary>A random pattern as (text, nullable, max length or −1 when unbounded).</summary>
    private sealed record Node(string Text, bool Nullable, int MaxLen, Func<Random, string> Sample);

    private static Gen<Node> Atom() => Gen.OneOf(
        Gen.Elements('a', 'b', '1', ' ').Select(c => new Node(c.ToString(), false, 1, _ => c.ToString())),
        Gen.Elements(Classes).Select(c => new Node(c, false, 1, r => Witness(c, r))));

    private static string Witness(string cls, Random r)
    {
        var options = Alphabet.Where(ch => Regex.IsMatch(ch.ToString(), "^" + cls + "$")).ToArray();
        return options[r.Next(options.Length)].ToString();
    }

    private static Gen<Node> Pattern(int size, bool bounded)
    {
        if (size <= 1)
        {
            return Atom();
        }
        var concat = Gen.Zip(Pattern(size / 2, bounded), Pattern(size / 2, bounded)).Select(t =>
            new Node(t.Item1.Text + t.Item2.Text, t.Item1.Nullable && t.Item2.Nullable, Sum(t.Item1.MaxLen, t.Item2.MaxLen),
                r => t.Item1.Sample(r) + t.Item2.Sample(r)));
        var alt = Gen.Zip(Pattern(size / 2, bounded), Pattern(size / 2, bounded)).Select(t =>
            new Node($"(?:{t.Item1.Text}|{t.Item2.Text})", t.Item1.Nullable || t.Item2.Nullable, Math.Max(t.Item1.MaxLen, t.Item2.MaxLen) is var m && (t.Item1.MaxLen < 0 || t.Item2.MaxLen < 0) ? -1 : m,
                r => r.Next(2) == 0 ? t.Item1.Sample(r) : t.Item2.Sample(r)));
        var quant = Gen.Zip(Pattern(size / 2, bounded), Gen.Choose(0, bounded ? 3 : 6)).Select(t =>
        {
            var (x, q) = t;
            var group = $"({x.Text})";
            return q switch
            {
                0 => new Node(group + "?", true, x.MaxLen, r => r.Next(2) == 0 ? "" : x.Sample(r)),
                1 => new Node(group + "{0,2}", true, Mul(x.MaxLen, 2), r => Rep(x, r, r.Next(3))),
                2 => new Node(group + "{2}", x.Nullable, Mul(x.MaxLen, 2), r => Rep(x, r, 2)),
                3 => new Node(group + "{1,2}?", x.Nullable, Mul(x.MaxLen, 2), r => Rep(x, r, 1 + r.Next(2))),
                // unbounded only over non-nullable bodies (the front-end rejects the others, see RegexTests)
                4 when !x.Nullable => new Node(group + "*", true, -1, r => Rep(x, r, r.Next(4))),
                5 when !x.Nullable => new Node(group + "+", false, -1, r => Rep(x, r, 1 + r.Next(3))),
                6 when !x.Nullable => new Node(group + "{1,}", false, -1, r => Rep(x, r, 1 + r.Next(3))),
                _ => new Node(group + "?", true, x.MaxLen, r => r.Next(2) == 0 ? "" : x.Sample(r)),
            };
        });
        return Gen.OneOf(Atom(), concat, alt, quant);
    }

    private static string Rep(Node x, Random r, int n) => string.Concat(Enumerable.Range(0, n).Select(_ => x.Sample(r)));

    private static int Sum(int a, int b) => a < 0 || b < 0 ? -1 : a + b;

    private static int Mul(int a, int k) => a < 0 ? -1 : a * k;

    private static Gen<string> RandomString() =>
        Gen.Choose(0, 7).SelectMany(n => Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray()), n)).Select(cs => new string(cs));

    [Fact]
    public void FullMatch_AgreesWithDotNetRegex_OnRandomPatternsAndStrings()
    {
        var cases = Gen.Zip(Gen.Sized(s => Pattern(Math.Min(s, 12), bounded: false)), Gen.Zip(Gen.ArrayOf(RandomString(), 8), Gen.Choose(0, int.MaxValue)));
        Prop.ForAll(cases.ToArbitrary(), t =>
        {
            var (node, (strings, seed)) = t;
            var g = GbnfParser.Parse("root ::= " + RegexToGbnf.Translate(node.Text));
            var dotnet = new Regex(@"\A(?:" + node.Text + @")\z", RegexOptions.CultureInvariant);
            var rng = new Random(seed);
            // random strings rarely match, so half the candidates are members sampled from the pattern itself
            foreach (var s in strings.Concat(Enumerable.Range(0, 8).Select(_ => node.Sample(rng))))
            {
                var expected = dotnet.IsMatch(s);
                if (Matches(g, s) != expected)
                {
                    throw new InvalidOperationException($"/{node.Text}/ on '{s}': .NET says {expected}");
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void PrefixIsAlive_IffSomeExtensionMatches_OnFiniteLanguages()
    {
        // bounded quantifiers only: the language is finite, its longest member has MaxLen characters, and a prefix
        // is alive iff one of the (few) strings over the alphabet that extend it up to MaxLen matches
        var patterns = Gen.Sized(s => Pattern(Math.Min(s, 8), bounded: true)).Where(n => n.MaxLen is >= 0 and <= 5);
        Prop.ForAll(patterns.ToArbitrary(), node =>
        {
            var g = GbnfParser.Parse("root ::= " + RegexToGbnf.Translate(node.Text));
            var dotnet = new Regex(@"\A(?:" + node.Text + @")\z", RegexOptions.CultureInvariant);
            var all = StringsUpTo(node.MaxLen);
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in all.Where(s => dotnet.IsMatch(s)))
            {
                for (var k = 0; k <= s.Length; k++)
                {
                    live.Add(s[..k]);
                }
            }
            foreach (var s in all)
            {
                if (IsLivePrefix(g, s) != live.Contains(s))
                {
                    throw new InvalidOperationException($"/{node.Text}/ prefix '{s}': expected alive = {live.Contains(s)}");
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    private static List<string> StringsUpTo(int maxLen)
    {
        var result = new List<string> { "" };
        var frontier = new List<string> { "" };
        for (var len = 1; len <= maxLen; len++)
        {
            frontier = [.. frontier.SelectMany(s => Alphabet.Select(c => s + c))];
            result.AddRange(frontier);
        }
        return result;
    }

    [Fact]
    public void ByteLevelPrefixes_OfMultiByteCharacters_AreAliveExactlyWhenTheCharacterCanFollow()
    {
        var g = GbnfParser.Parse("root ::= " + RegexToGbnf.Translate("[à-ÿ]x|€"));
        var bytes = Encoding.UTF8.GetBytes("é");
        Assert.True(new GrammarMatcher(g).Advance(bytes.AsSpan(0, 1)));
        var euro = Encoding.UTF8.GetBytes("€"); // E2 82 AC
        Assert.True(new GrammarMatcher(g).Advance(euro.AsSpan(0, 2)));
        Assert.False(new GrammarMatcher(g).Advance(Encoding.UTF8.GetBytes("€").AsSpan(0, 1).ToArray().Concat(new byte[] { 0x83 }).ToArray()));
    }
}

using Engine.Guided;

namespace Engine.Tests.Guided;

public sealed class ConstraintCacheTests
{
    [Fact]
    public void EvictsTheLeastRecentlyUsed_WhenFull()
    {
        var cache = new ConstraintCache(2);
        var compiles = 0;
        Grammar Compile()
        {
            compiles++;
            return GbnfParser.Parse("root ::= \"a\"");
        }
        var a = cache.GetOrAdd("a", Compile);
        cache.GetOrAdd("b", Compile);
        Assert.Same(a, cache.GetOrAdd("a", Compile)); // hit: "a" becomes the most recent
        cache.GetOrAdd("c", Compile);                 // evicts "b"
        Assert.Equal(3, compiles);
        cache.GetOrAdd("a", Compile);
        Assert.Equal(3, compiles);
        cache.GetOrAdd("b", Compile);
        Assert.Equal(4, compiles);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void FailedCompilations_AreNotCached()
    {
        var cache = new ConstraintCache(4);
        Assert.Throws<GrammarException>(() => cache.GetOrAdd("bad", () => GbnfParser.Parse("root ::= (")));
        Assert.Equal(0, cache.Count);
    }
}

namespace Engine.ChatTemplates.Syntax;

/// <summary>An expression node; <see cref="Position"/> is the source offset used in error messages.</summary>
internal abstract record Expr(int Position);

internal sealed record ConstExpr(object? Value, int Position) : Expr(Position);

internal sealed record NameExpr(string Name, int Position) : Expr(Position);

/// <summary><c>obj.attr</c>: attribute first, then item (Jinja's getattr).</summary>
internal sealed record GetAttrExpr(Expr Target, string Attribute, int Position) : Expr(Position);

/// <summary><c>obj[index]</c>: item first, then attribute (Jinja's getitem).</summary>
internal sealed record GetItemExpr(Expr Target, Expr Index, int Position) : Expr(Position);

/// <summary>A slice <c>start:stop:step</c>, only valid as an index.</summary>
internal sealed record SliceExpr(Expr? Start, Expr? Stop, Expr? Step, int Position) : Expr(Position);

internal sealed record Arguments(List<Expr> Positional, List<KeyValuePair<string, Expr>> Keyword, Expr? Star, Expr? DoubleStar)
{
    public static readonly Arguments None = new([], [], null, null);
}

internal sealed record CallExpr(Expr Callee, Arguments Args, int Position) : Expr(Position);

/// <summary><c>value | name(args)</c>; <see cref="Value"/> is null inside a <c>{% filter %}</c> block head.</summary>
internal sealed record FilterExpr(Expr? Value, string Name, Arguments Args, int Position) : Expr(Position);

internal sealed record TestExpr(Expr Value, string Name, Arguments Args, int Position) : Expr(Position);

internal sealed record UnaryExpr(string Op, Expr Operand, int Position) : Expr(Position);

/// <summary>Arithmetic and logic: + - * / // % ** and or.</summary>
internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Position) : Expr(Position);

/// <summary><c>a ~ b ~ c</c>: str() of each operand, concatenated.</summary>
internal sealed record ConcatExpr(List<Expr> Parts, int Position) : Expr(Position);

/// <summary>A chained comparison <c>a &lt; b &lt;= c</c> with Python's pairwise meaning.</summary>
internal sealed record CompareExpr(Expr First, List<KeyValuePair<string, Expr>> Rest, int Position) : Expr(Position);

/// <summary><c>a if test else b</c>; a missing else yields undefined.</summary>
internal sealed record CondExpr(Expr Test, Expr Then, Expr? Else, int Position) : Expr(Position);

internal sealed record ListExpr(List<Expr> Items, int Position) : Expr(Position);

internal sealed record TupleExpr(List<Expr> Items, int Position) : Expr(Position);

internal sealed record DictExpr(List<KeyValuePair<Expr, Expr>> Items, int Position) : Expr(Position);

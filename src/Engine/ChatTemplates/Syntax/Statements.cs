namespace Engine.ChatTemplates.Syntax;

/// <summary>A template statement or output node.</summary>
internal abstract record Stmt(int Position);

internal sealed record DataStmt(string Text, int Position) : Stmt(Position);

internal sealed record OutputStmt(Expr Value, int Position) : Stmt(Position);

internal sealed record IfStmt(List<KeyValuePair<Expr, List<Stmt>>> Branches, List<Stmt>? Else, int Position) : Stmt(Position);

internal sealed record ForStmt(Target Target, Expr Iterable, Expr? Filter, List<Stmt> Body, List<Stmt>? Else, bool Recursive, int Position)
    : Stmt(Position);

internal sealed record SetStmt(Target Target, Expr Value, int Position) : Stmt(Position);

/// <summary><c>{% set x | filters %}body{% endset %}</c>.</summary>
internal sealed record SetBlockStmt(Target Target, Expr? Filter, List<Stmt> Body, int Position) : Stmt(Position);

internal sealed record MacroParameter(string Name, Expr? Default);

internal sealed record MacroStmt(string Name, List<MacroParameter> Parameters, List<Stmt> Body, int Position) : Stmt(Position);

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes the <c>caller</c> macro.</summary>
internal sealed record CallBlockStmt(CallExpr Call, List<MacroParameter> Parameters, List<Stmt> Body, int Position) : Stmt(Position);

/// <summary><c>{% filter f | g %}</c>: <see cref="Filter"/> is a chain whose innermost value is null (the body).</summary>
internal sealed record FilterBlockStmt(FilterExpr Filter, List<Stmt> Body, int Position) : Stmt(Position);

internal sealed record WithStmt(List<KeyValuePair<Target, Expr>> Assignments, List<Stmt> Body, int Position) : Stmt(Position);

/// <summary>Renders its body in place: <c>{% generation %}</c> (transformers) and <c>{% block %}</c> without inheritance.</summary>
internal sealed record ScopeStmt(List<Stmt> Body, int Position) : Stmt(Position);

internal sealed record BreakStmt(int Position) : Stmt(Position);

internal sealed record ContinueStmt(int Position) : Stmt(Position);

/// <summary>An assignment target: a name, a namespace attribute or a tuple of targets.</summary>
internal abstract record Target(int Position);

internal sealed record NameTarget(string Name, int Position) : Target(Position);

internal sealed record AttributeTarget(string Name, string Attribute, int Position) : Target(Position);

internal sealed record TupleTarget(List<Target> Items, int Position) : Target(Position);

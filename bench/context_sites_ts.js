// Call sites of a TypeScript/JavaScript tree and what each calls, as the TypeScript compiler
// resolves them: the ground truth of bench/context_recall_real.py, from outside ds-lsp.
//   node bench/context_sites_ts.js TYPESCRIPT_MODULE_DIR ROOT FILE...   -> JSON lines
"use strict";
const ts = require(process.argv[2]);
const root = process.argv[3];
const files = process.argv.slice(4);
const program = ts.createProgram(files, {
  allowJs: true, checkJs: false, noEmit: true, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true, esModuleInterop: true,
});
const checker = program.getTypeChecker();

function target(symbol) {
  while (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol;
}
function paramsOf(decl) {
  if (!decl || !decl.parameters) return null;
  return decl.parameters.map((p) => p.name.getText()).filter((n) => n !== "this");
}
function constructorOf(cls, depth) {
  const own = cls.members && cls.members.find((m) => ts.isConstructorDeclaration(m) && m.body !== undefined || ts.isConstructorDeclaration(m));
  if (own) return { decl: own, inherited: depth > 0, cls };
  const heritage = (cls.heritageClauses || []).find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  if (!heritage || depth > 4) return null;
  const base = target(checker.getSymbolAtLocation(heritage.types[0].expression));
  const decl = base && base.declarations && base.declarations.find(ts.isClassDeclaration);
  return decl ? constructorOf(decl, depth + 1) : null;
}
function definition(symbol, isNew) {
  const decl = symbol && symbol.declarations && symbol.declarations[0];
  if (!decl) return null;
  if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) return { decl, params: paramsOf(decl) };
  if (ts.isVariableDeclaration(decl) && decl.initializer &&
      (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer)))
    return { decl, params: paramsOf(decl.initializer) };
  if (ts.isClassDeclaration(decl) && isNew) {
    const ctor = constructorOf(decl, 0);
    if (!ctor) return null;
    return { decl, params: paramsOf(ctor.decl), inherited: ctor.inherited };
  }
  return null;
}
function importKind(sf, ident) {
  // how the head of the callee is bound in this file
  const sym = checker.getSymbolAtLocation(ident);
  const decl = sym && sym.declarations && sym.declarations[0];
  if (!decl) return null;
  if (decl.getSourceFile() !== sf) return null;
  if (ts.isNamespaceImport(decl)) return "namespace";
  if (ts.isImportSpecifier(decl) || ts.isImportClause(decl)) return "named";
  let variable = decl;
  while (variable && (ts.isBindingElement(variable) || ts.isObjectBindingPattern(variable))) variable = variable.parent;
  if (variable && ts.isVariableDeclaration(variable) && variable.initializer &&
      ts.isCallExpression(variable.initializer) && variable.initializer.expression.getText() === "require")
    return "cjs";
  return null;
}
for (const file of files) {
  const sf = program.getSourceFile(file);
  if (!sf) continue;
  const visit = (node) => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const callee = node.expression;
      const head = ts.isPropertyAccessExpression(callee) ? callee.expression : callee;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
      if (ts.isIdentifier(head) && ts.isIdentifier(name)) {
        let kind = importKind(sf, head);
        if (kind && !(ts.isPropertyAccessExpression(callee) && kind === "named")) {
          const sym = target(checker.getSymbolAtLocation(name));
          const def = definition(sym, ts.isNewExpression(node));
          const defFile = def && def.decl.getSourceFile().fileName;
          if (def && def.params && def.params.length && defFile !== sf.fileName && defFile.startsWith(root)) {
            const open = node.getChildren().find((c) => c.kind === ts.SyntaxKind.OpenParenToken);
            if (open) {
              const pos = sf.getLineAndCharacterOfPosition(open.end);
              const spec = ts.isIdentifier(head) ? checker.getSymbolAtLocation(head) : null;
              const direct = spec && spec.declarations && spec.declarations[0];
              let via = "";
              if (direct && (ts.isImportSpecifier(direct) || ts.isNamespaceImport(direct) || ts.isImportClause(direct))) {
                let d = direct; while (d && !ts.isImportDeclaration(d)) d = d.parent;
                const mod = d && checker.getSymbolAtLocation(d.moduleSpecifier);
                const modFile = mod && mod.declarations && mod.declarations[0] && mod.declarations[0].getSourceFile().fileName;
                if (modFile && modFile !== defFile) via = "barrel";
              }
              if (def.inherited) kind = "inherited-ctor";
              else if (via && kind === "named") kind = "barrel";
              console.log(JSON.stringify({
                file: sf.fileName, line: pos.line, col: pos.character, kind,
                name: (def.decl.name && ts.isIdentifier(def.decl.name)) ? def.decl.name.text : name.text,
                defFile, defLine: def.decl.getSourceFile().getLineAndCharacterOfPosition(def.decl.getStart()).line,
                params: def.params,
              }));
            }
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

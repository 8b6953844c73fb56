// The esirules extension: starts `esirules lsp` for `.esi` files and passes it the settings.
// Plain JavaScript with one dependency (vscode-languageclient), so there is nothing to build:
// `npm install` in this folder, then run or package it (docs/editors.md).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function settings() {
  const config = vscode.workspace.getConfiguration("esirules");
  return { evidence: config.get("evidence") || "", sample: config.get("sample") || "" };
}

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("esirules").get("command");
  client = new LanguageClient(
    "esirules",
    "esirules",
    { command, args },
    {
      documentSelector: [{ language: "esirules" }],
      initializationOptions: settings(),
      synchronize: { configurationSection: "esirules" },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

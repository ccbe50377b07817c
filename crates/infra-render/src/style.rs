//! Colours, only when the CLI says so (a TTY without NO_COLOR or -no-color).

use std::borrow::Cow;

use infra_core::Action;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    pub fn plain() -> Style {
        Style { colour: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn bold_green(&self, text: &str) -> String {
        self.paint("1;32", text)
    }
    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    /// The action's symbol, coloured as Terraform colours it (without colour, the symbol
    /// itself: a plan shows it on every line).
    pub fn action(&self, action: Action) -> Cow<'static, str> {
        let symbol = action.symbol();
        if !self.colour {
            return Cow::Borrowed(symbol);
        }
        Cow::Owned(match action {
            Action::Create => self.green(symbol),
            Action::Delete => self.red(symbol),
            Action::Update => self.yellow(symbol),
            Action::DeleteThenCreate | Action::CreateThenDelete => self.red(symbol),
            Action::Read => self.paint("36", symbol),
            Action::NoOp | Action::Forget => symbol.to_string(),
        })
    }
}

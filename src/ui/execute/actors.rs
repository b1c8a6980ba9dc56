//! Where the actor and position commands take effect.

use crate::core::actors::ActorKind;
use crate::session::notice::Severity;
use crate::ui::app::StancemarkApp;
use crate::ui::command::Command;

impl StancemarkApp {
    /// Applies an actor or position command; `false` for any other command.
    pub(super) fn run_actor_command(&mut self, command: Command) -> bool {
        match command {
            Command::ActorManager => {
                self.ui.windows.actors.get_or_insert_with(Default::default);
            }
            Command::NetworkView => {
                self.ui.windows.network.get_or_insert_with(Default::default);
            }
            Command::FocusActorField => match self.ui.focus.annotation {
                Some(id) => {
                    let ws = self.session.workspace();
                    let refusal = ws
                        .project()
                        .annotation(id)
                        .and_then(|a| ws.may_edit(a).err());
                    match refusal {
                        Some(why) => self.report(Err(why)),
                        None => {
                            self.ui.panels.annotations = true;
                            self.ui.annotations.actor_field.focus_request = true;
                        }
                    }
                }
                None => self.notify(
                    Severity::Info,
                    "Select an annotation first, then press W to say who holds its stance",
                ),
            },
            Command::PositionSupports | Command::PositionNeutral | Command::PositionOpposes => {
                let Some(id) = self.ui.focus.annotation else {
                    self.notify(
                        Severity::Info,
                        "Select an annotation first, then press +, 0 or - for its position",
                    );
                    return true;
                };
                let project = self.session.project();
                let current = project.annotation(id).and_then(|a| a.position);
                let position = match (&command, project.actors.scale) {
                    (Command::PositionNeutral, _) => 0,
                    (Command::PositionSupports, None) => 1,
                    (Command::PositionOpposes, None) => -1,
                    (Command::PositionSupports, Some(s)) => (current.unwrap_or(0) + 1).min(s.max),
                    (_, Some(s)) => (current.unwrap_or(0) - 1).max(s.min),
                    (_, None) => -1,
                };
                let r = self
                    .session
                    .workspace_mut()
                    .set_position_of(&[id], Some(position));
                self.report(r);
            }
            Command::SetActorNamed { annotations, name } => {
                let ws = self.session.workspace_mut();
                let r = if name.trim().is_empty() {
                    ws.set_actor_of(&annotations, None)
                } else {
                    let label = format!("set the actor to {}", name.trim());
                    ws.group(&label, |ws| {
                        let actor = ws.actor_named(&name, ActorKind::Person)?;
                        ws.set_actor_of(&annotations, Some(&actor))
                    })
                };
                self.report(r);
            }
            Command::SetActorOf { annotations, actor } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_actor_of(&annotations, actor.as_ref());
                self.report(r);
            }
            Command::SetPositionOf {
                annotations,
                position,
            } => {
                let r = self
                    .session
                    .workspace_mut()
                    .set_position_of(&annotations, position);
                self.report(r);
            }
            Command::AddActor { name, kind } => {
                let r = self.session.workspace_mut().actor_named(&name, kind);
                self.report(r.map(|_| ()));
            }
            Command::PutActor(actor) => {
                let r = self.session.workspace_mut().put_actor(*actor);
                self.report(r);
            }
            Command::MergeActors { from, into } => {
                let r = self.session.workspace_mut().merge_actors(&from, &into);
                if let Ok(moved) = &r {
                    self.notify(
                        Severity::Info,
                        format!("Merged: {moved} annotation(s) now name the actor kept"),
                    );
                }
                self.report(r.map(|_| ()));
            }
            Command::RemoveActor(id) => {
                let r = self.session.workspace_mut().remove_actor(&id);
                self.report(r);
            }
            Command::SetActorTypes(types) => {
                let r = self.session.workspace_mut().set_actor_types(types);
                self.report(r);
            }
            Command::SetPositionScale(scale) => {
                let r = self.session.workspace_mut().set_position_scale(scale);
                self.report(r);
            }
            Command::ExportNetwork(f) => {
                self.open_file_dialog(crate::ui::file_dialog::FilePurpose::ExportNetwork(f), None)
            }
            Command::ExportNetworkTo(f, path) => {
                let Some(net) = self.ui.windows.network.as_ref().and_then(|w| w.network()) else {
                    self.notify(Severity::Warning, "Open the network view first");
                    return true;
                };
                let text = f.write(&net.network);
                match crate::session::files::write_file(&path, text.as_bytes()) {
                    Ok(()) => self.notify(
                        Severity::Info,
                        format!("Network written to {}", path.display()),
                    ),
                    Err(e) => self.show_error("Could not write the network", e.to_string(), None),
                }
            }
            Command::ExportTimeline(f) => {
                self.open_file_dialog(crate::ui::file_dialog::FilePurpose::ExportTimeline(f), None)
            }
            Command::ExportTimelineTo(f, path) => {
                let Some(t) = self
                    .ui
                    .windows
                    .statistics
                    .as_ref()
                    .and_then(|w| w.timeline.clone())
                else {
                    self.notify(Severity::Warning, "Open Statistics → Over time first");
                    return true;
                };
                let written = f.write(&t, self.session.project()).and_then(|text| {
                    crate::session::files::write_file(&path, text.as_bytes())
                        .map_err(|e| e.to_string())
                });
                match written {
                    Ok(()) => self.notify(
                        Severity::Info,
                        format!("Stance over time written to {}", path.display()),
                    ),
                    Err(e) => self.show_error("Could not write the figures", e, None),
                }
            }
            _ => return false,
        }
        true
    }
}

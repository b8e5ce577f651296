//! The facilitators' app (facilitator.html): Facilitator and Facilitator › Groups, built apart from
//! the participants' app so that their code never reaches participants' phones.

fn main() {
    tandem::ui::app::start(|opened| leptos::view! { <tandem::ui::facilitator_app::FacilitatorApp opened /> });
}

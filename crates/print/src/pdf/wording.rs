//! The fixed wording of the documents, in Kazakh and Russian: every phrase in one place.

/// A fixed text of the documents, in the state language and in Russian.
#[derive(Clone, Copy)]
pub(crate) struct Phrase {
    pub(crate) kk: &'static str,
    pub(crate) ru: &'static str,
}

impl Phrase {
    /// Both languages on one line: `kk · ru`.
    pub(crate) fn both(self) -> String {
        format!("{} · {}", self.kk, self.ru)
    }
}

/// The wording of the documents, every phrase in one place.
pub(crate) mod phrase {
    use crate::pdf::wording::Phrase;

    pub(crate) const FORM: Phrase = Phrase {
        kk: "Нысан",
        ru: "Форма",
    };
    pub(crate) const TEST_MODE: Phrase = Phrase {
        kk: "СЫНАҚ РЕЖИМІ: ЗАҢДЫҚ КҮШІ ЖОҚ",
        ru: "ТЕСТОВЫЙ РЕЖИМ: НЕ ИМЕЕТ ЮРИДИЧЕСКОЙ СИЛЫ",
    };
    pub(crate) const DEMO: Phrase = Phrase {
        kk: "ДЕМО: КАНДИДАТТАРДЫҢ ЕСІМДЕРІ ОЙДАН ШЫҒАРЫЛҒАН",
        ru: "ДЕМО: ИМЕНА КАНДИДАТОВ ВЫМЫШЛЕНЫ",
    };
    /// The footer's short form of [`DEMO`]: the word is the same in both languages.
    pub(crate) const DEMO_SHORT: &str = "ДЕМО";
    pub(crate) const REGION: Phrase = Phrase {
        kk: "Өңір",
        ru: "Регион",
    };
    pub(crate) const PRECINCT: Phrase = Phrase {
        kk: "Сайлау учаскесі",
        ru: "Избирательный участок",
    };
    pub(crate) const ADDRESS: Phrase = Phrase {
        kk: "Мекенжайы",
        ru: "Адрес",
    };
    pub(crate) const CONTEST: Phrase = Phrase {
        kk: "Сайлау",
        ru: "Выборы",
    };
    pub(crate) const DISTRICT: Phrase = Phrase {
        kk: "Сайлау округі",
        ru: "Избирательный округ",
    };
    pub(crate) const REPEATED: Phrase = Phrase {
        kk: "ҚАЙТАЛАМА ХАТТАМА",
        ru: "ПОВТОРНЫЙ ПРОТОКОЛ",
    };
    pub(crate) const VERSION: Phrase = Phrase {
        kk: "нұсқа",
        ru: "версия",
    };
    pub(crate) const REASON: Phrase = Phrase {
        kk: "Себебі",
        ru: "Причина",
    };
    pub(crate) const COLUMN_LINE: Phrase = Phrase {
        kk: "Жолдың атауы",
        ru: "Наименование строки",
    };
    pub(crate) const COLUMN_DIGITS: Phrase = Phrase {
        kk: "Санмен",
        ru: "Цифрами",
    };
    pub(crate) const COLUMN_WORDS: Phrase = Phrase {
        kk: "Жазбаша",
        ru: "Прописью",
    };
    pub(crate) const ACKNOWLEDGED: Phrase = Phrase {
        kk: "Қағаз хаттамамен салыстырылып расталған ескертулер",
        ru: "Предупреждения, подтверждённые сверкой с бумажным протоколом",
    };
    pub(crate) const ACTS: Phrase = Phrase {
        kk: "Хаттамаға қоса берілген актілер",
        ru: "Акты, приложенные к протоколу",
    };
    pub(crate) const NONE: Phrase = Phrase {
        kk: "жоқ",
        ru: "нет",
    };
    pub(crate) const CONFIRMED_BY: Phrase = Phrase {
        kk: "растаған",
        ru: "подтвердил(а)",
    };
    pub(crate) const COMMISSION: Phrase = Phrase {
        kk: "Учаскелік сайлау комиссиясы",
        ru: "Участковая избирательная комиссия",
    };
    pub(crate) const SIGNATURE: Phrase = Phrase {
        kk: "қолы",
        ru: "подпись",
    };
    pub(crate) const FULL_NAME: Phrase = Phrase {
        kk: "тегі, аты-жөні",
        ru: "фамилия, инициалы",
    };
    pub(crate) const STAMP: Phrase = Phrase {
        kk: "М.О.",
        ru: "М.П.",
    };
    pub(crate) const SIGNED_AT: Phrase = Phrase {
        kk: "Хаттамаға қол қойылған күні мен уақыты",
        ru: "Дата и время подписания протокола",
    };
    pub(crate) const BATCH_HASH: Phrase = Phrase {
        kk: "Нәтижелер топтамасының хэші (SHA-256)",
        ru: "Хеш пакета результатов (SHA-256)",
    };
    pub(crate) const QR_NOTE: Phrase = Phrase {
        kk: "QR-кодта осы хаттаманың деректері мен құрылғының электрондық қолтаңбасы бар. \
             Тексеру үшін QR-кодты суретке түсіріп, суретті аумақтық сайлау комиссиясына \
             көрсетіңіз: комиссия қолтаңбаны тексеріп, сандарды осы парақпен салыстырады.",
        ru: "QR-код содержит данные этого протокола и электронную подпись устройства. \
             Чтобы проверить протокол, сфотографируйте QR-код и покажите снимок \
             территориальной избирательной комиссии: она проверит подпись и сверит числа \
             с этим листом.",
    };
    pub(crate) const POSTING: Phrase = Phrase {
        kk: "ЖАЛПЫ ЖҰРТТЫҢ ТАНЫСУЫ ҮШІН ХАТТАМАНЫҢ КӨШІРМЕСІ",
        ru: "КОПИЯ ПРОТОКОЛА ДЛЯ ВСЕОБЩЕГО ОЗНАКОМЛЕНИЯ",
    };
    pub(crate) const POSTING_NOTE: Phrase = Phrase {
        kk: "Хаттаманың түпнұсқасына учаскелік сайлау комиссиясының мүшелері қол қойды; \
             куәландырылған көшірмені комиссиядан сұрауға болады.",
        ru: "Оригинал протокола подписан членами участковой избирательной комиссии; \
             заверенную копию можно получить у комиссии.",
    };
    pub(crate) const BLANK: Phrase = Phrase {
        kk: "ҚОЛМЕН САНАУҒА АРНАЛҒАН ХАТТАМА БЛАНКІСІ",
        ru: "БЛАНК ПРОТОКОЛА ДЛЯ ПОДСЧЁТА ВРУЧНУЮ",
    };
    pub(crate) const BLANK_NOTE: Phrase = Phrase {
        kk: "Сандар цифрмен және жазбаша, түзетусіз толтырылады.",
        ru: "Числа вписываются цифрами и прописью, без исправлений.",
    };
    pub(crate) const WORDS_KK: Phrase = Phrase {
        kk: "қазақ тілінде",
        ru: "на казахском",
    };
    pub(crate) const WORDS_RU: Phrase = Phrase {
        kk: "орыс тілінде",
        ru: "на русском",
    };
    pub(crate) const PAGE: Phrase = Phrase {
        kk: "Бет",
        ru: "Стр.",
    };
    pub(crate) const ENROLMENT: Phrase = Phrase {
        kk: "ҚҰРЫЛҒЫНЫ ТІРКЕУ ПАРАҒЫ",
        ru: "ЛИСТ РЕГИСТРАЦИИ УСТРОЙСТВА",
    };
    pub(crate) const ENROLMENT_NOTE: Phrase = Phrase {
        kk: "Осы учаскенің ноутбугы нәтижелер топтамаларына төмендегі кілтпен қол қояды. \
             Аумақтық сайлау комиссиясы кілтті тізілімге енгізерде саусақ ізін осы парақпен \
             таңбама-таңба салыстырады.",
        ru: "Ноутбук этого участка подписывает пакеты результатов ключом, указанным ниже. \
             Территориальная избирательная комиссия, внося ключ в реестр, сверяет отпечаток \
             с этим листом знак за знаком.",
    };
    pub(crate) const KEY_ID: Phrase = Phrase {
        kk: "Кілт идентификаторы",
        ru: "Идентификатор ключа",
    };
    pub(crate) const FINGERPRINT: Phrase = Phrase {
        kk: "Ашық кілттің саусақ ізі",
        ru: "Отпечаток открытого ключа",
    };
    pub(crate) const PUBLIC_KEY: Phrase = Phrase {
        kk: "Ашық кілт (minisign)",
        ru: "Открытый ключ (minisign)",
    };
    pub(crate) const DATE: Phrase = Phrase {
        kk: "Күні",
        ru: "Дата",
    };
    pub(crate) const TERRITORIAL: Phrase = Phrase {
        kk: "Аумақтық сайлау комиссиясы толтырады",
        ru: "Заполняет территориальная избирательная комиссия",
    };
    pub(crate) const REGISTERED: Phrase = Phrase {
        kk: "Кілт тізілімге енгізілді, саусақ ізі сәйкес келеді",
        ru: "Ключ внесён в реестр, отпечаток совпадает",
    };
    pub(crate) const RESPONSIBLE: Phrase = Phrase {
        kk: "Жауапты тұлға",
        ru: "Ответственное лицо",
    };
}

/// Short document names for the footer.
pub(crate) mod short {
    use crate::pdf::wording::Phrase;

    pub(crate) const PROTOCOL: Phrase = Phrase {
        kk: "Хаттама",
        ru: "Протокол",
    };
    pub(crate) const POSTING: Phrase = Phrase {
        kk: "Ілінетін көшірме",
        ru: "Копия для вывешивания",
    };
    pub(crate) const BLANK: Phrase = Phrase {
        kk: "Хаттама бланкісі",
        ru: "Бланк протокола",
    };
    pub(crate) const ENROLMENT: Phrase = Phrase {
        kk: "Тіркеу парағы",
        ru: "Лист регистрации",
    };
}

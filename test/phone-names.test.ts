import { describe, expect, it } from 'vitest';
import {
  MAIN,
  MOBILE,
  OTHER,
  WORK_OR_HOME,
  labelRank,
  nameWords,
  phoneColumnRank,
} from '../src/mapping/phone-names.js';

describe('phoneColumnRank', () => {
  it.each([
    // Google Contacts, both layouts
    ['Phone 1 - Value', MAIN],
    // Outlook, English
    ['Mobile Phone', MOBILE],
    ['Home Mobile', MOBILE],
    ['Primary Phone', MAIN],
    ['Business Phone', WORK_OR_HOME],
    ['Business Phone 2', WORK_OR_HOME],
    ['Home Phone', WORK_OR_HOME],
    ["Assistant's Phone", OTHER],
    ['Car Phone', OTHER],
    ['Company Main Phone', OTHER],
    ['Other Phone', OTHER],
    ['Radio Phone', OTHER],
    // Outlook, German
    ['Mobiltelefon', MOBILE],
    ['Mobiltelefon 2', MOBILE],
    ['Haupttelefon', MAIN],
    ['Telefon geschäftlich', WORK_OR_HOME],
    ['Telefon privat 2', WORK_OR_HOME],
    ['Telefon Firma', OTHER],
    ['Autotelefon', OTHER],
    ['Weiteres Telefon', OTHER],
    // Outlook and Thunderbird in French, Spanish, Italian, Dutch, Portuguese, Polish, Swedish; Thunderbird in German
    ['Téléphone mobile', MOBILE],
    ['Téléphone bureau', WORK_OR_HOME],
    ['Autre téléphone', OTHER],
    ['Teléfono móvil', MOBILE],
    ['Teléfono particular', WORK_OR_HOME],
    ['Cellulare', MOBILE],
    ['Telefono abitazione', WORK_OR_HOME],
    ['Mobiele telefoon', MOBILE],
    ['Telefoon thuis', WORK_OR_HOME],
    ['Telemóvel', MOBILE],
    ['Telefon komórkowy', MOBILE],
    ['Hemtelefon', WORK_OR_HOME],
    ['Tel. dienstlich', WORK_OR_HOME],
    ['Mobil-Tel.-Nr.', MOBILE],
    // Salesforce (mixed case and Data Loader's capitals), HubSpot, Zoho, Pipedrive, Mailchimp, QuickBooks, Thunderbird
    ['MobilePhone', MOBILE],
    ['MOBILEPHONE', MOBILE],
    ['HomePhone', WORK_OR_HOME],
    ['HOMEPHONE', WORK_OR_HOME],
    ['AssistantPhone', OTHER],
    ['Phone', MAIN],
    ['Mobile Phone Number', MOBILE],
    ['Phone Number', MAIN],
    ['Mobile', MOBILE],
    ['Person - Phone - Mobile', MOBILE],
    ['Person - Phone - Work', WORK_OR_HOME],
    ['Person - Phone - Other', OTHER],
    ['SMS Phone Number', MOBILE],
    ['Phone numbers', MAIN],
    ['Work Phone', WORK_OR_HOME],
    ['Mobile Number', MOBILE],
    ['phone_number', MAIN],
    ['tel', MAIN],
  ])('%s is a phone column, rank %i', (name, rank) => {
    expect(phoneColumnRank(name)).toBe(rank);
  });

  it.each([
    'Phone 1 - Type',
    'Phone 1 - Label',
    'Business Fax',
    'Fax geschäftlich',
    'TTY/TDD Phone',
    'Telefon für Hörbehinderte',
    'Pager',
    'Phonetic First Name',
    'Do not allow Phone Calls',
    'Person - Marketing consent phone',
    'Mobile Opt-in',
    'Phone Extension',
    'Phone Country Code',
    'First Name',
    'Record Id',
    'Hotel',
    'Télécopie bureau',
  ])('%s is not a number to dial', (name) => {
    expect(phoneColumnRank(name)).toBeUndefined();
  });
});

describe('labelRank', () => {
  it.each([
    ['Mobile', MOBILE],
    ['* Mobile', MOBILE],
    ['Main', MAIN],
    ['Phone', MAIN],
    ['Google Voice', MAIN],
    ['Work', WORK_OR_HOME],
    ['Home', WORK_OR_HOME],
    ['Other', OTHER],
    ['Work Fax', undefined],
    ['Home Fax', undefined],
    ['Fax', undefined],
    ['Pager', undefined],
  ])('%s → %s', (label, rank) => {
    expect(labelRank(label)).toBe(rank);
  });
});

describe('nameWords', () => {
  it('drops accents and case, splits camelCase, punctuation and compounds', () => {
    expect(nameWords('Telefon geschäftlich')).toEqual(['telefon', 'geschaftlich']);
    expect(nameWords('HasOptedOutOfCall')).toEqual(['has', 'opted', 'out', 'of', 'call']);
    expect(nameWords('Mobil-Tel.-Nr.')).toEqual(['mobil', 'tel', 'nr']);
    expect(nameWords('Haupttelefon')).toEqual(['haupttelefon', 'haupt']);
  });
});
